"""Dedupe within a run: by platform + external id, and by content hash for pages without an id.

Across runs the store's unique key (platform, external_id) does the rest: a known item updates its row.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawlers.items import PostItem
from crawlers.logformatter import DUPLICATE_PREFIX
from crawlers.stats import DUPLICATES


class DedupePipeline:
    def __init__(self, stats=None) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        if not isinstance(item, PostItem):
            return item
        if item.external_id is None:
            # No id on the page: the content is the identity.
            item.external_id = "sha256:" + item.content_hash
        key = (item.platform, item.external_id)
        if key in self.seen:
            if self.stats is not None:
                self.stats.inc_value(DUPLICATES)
            raise DropItem(f"{DUPLICATE_PREFIX}：{item.platform}/{item.external_id}")
        self.seen.add(key)
        return item
