"""Validate: refuse items the store must not hold, with a reason the crawl log and stats show."""

from __future__ import annotations

from datetime import timedelta

from scrapy.exceptions import DropItem

from crawlers.items import PostItem
from storage.models.collection import AUTHOR_TYPES, POST_KINDS

MAX_FUTURE = timedelta(days=1)
MAX_ID_CHARS = 200  # posts.external_id / parent_external_id are VARCHAR(200)
MAX_REGION_CHARS = 60


class ValidatePipeline:
    def __init__(self, clock) -> None:
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["ZHENGYU_CONTEXT"].clock)

    def process_item(self, item, spider=None):
        if not isinstance(item, PostItem):
            return item
        if not item.platform:
            raise DropItem("缺少平台名")
        if item.kind not in POST_KINDS:
            raise DropItem(f"未知的条目类型 {item.kind!r}")
        if item.author_type not in AUTHOR_TYPES:
            raise DropItem(f"未知的作者类型 {item.author_type!r}")
        if not item.text.strip() and not (item.title or "").strip():
            raise DropItem(f"正文为空：{item.url or item.external_id}")
        if item.kind != "post" and item.kind != "article" and item.kind != "message" \
                and not item.parent_external_id:
            raise DropItem(f"{item.kind} 缺少上级条目：{item.external_id}")
        if item.published_at is not None:
            if item.published_at.tzinfo is None:
                raise DropItem(f"发布时间缺少时区：{item.external_id}")
            if item.published_at > self.clock.now() + MAX_FUTURE:
                raise DropItem(f"发布时间在未来：{item.published_at.isoformat()}（{item.external_id}）")
        for ident in (item.external_id, item.parent_external_id, item.root_external_id):
            if ident is not None and len(ident) > MAX_ID_CHARS:
                raise DropItem(f"外部编号过长：{ident[:40]}…")
        if item.region is not None and len(item.region) > MAX_REGION_CHARS:
            item.region = item.region[:MAX_REGION_CHARS]  # a column of 60 characters; PostgreSQL refuses more
        return item
