"""RSS 2.0 / Atom family: each entry becomes an article (title, link, time, description or content).

Feeds are parsed from bytes with lxml so the XML declaration's encoding (GB18030 on some government feeds)
is honoured. Entries with a ``guid``/``id`` are keyed by it; entries without one by their content hash.
"""

from __future__ import annotations

import logging

import scrapy
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from crawlers import stats as keys
from crawlers.dates import parse_time
from crawlers.items import PostItem
from crawlers.spiders.base import SourceSpider
from crawlers.walks import COMPLETE, STOPPED, ListWalk, walk_result

log = logging.getLogger(__name__)
ATOM = "{http://www.w3.org/2005/Atom}"


class FeedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[str] = Field(min_length=1)
    author_type: str = "media"


def _parser() -> etree.XMLParser:
    """Lenient but bounded: no entity expansion, no network, libxml2's default depth and size limits (no
    huge_tree); the body itself is bounded by ``crawl.max_response_bytes``."""
    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


def _text(node, path: str, ns: dict | None = None) -> str | None:
    found = node.find(path, ns) if ns else node.find(path)
    return found.text.strip() if found is not None and found.text else None


class FeedSpider(SourceSpider):
    family = "rss"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = FeedOptions(**self.source.options)

    def _feed_request(self, url: str, walk: ListWalk) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_feed, errback=self.list_failed, cb_kwargs={"walk": walk})

    def start_requests(self):
        for path in self.options.feeds:
            yield from self.start_walks(path, self.source.url(path), self._feed_request)

    def parse_feed(self, response, walk: ListWalk | None = None):
        walk = walk or ListWalk(response.url, self.floor)
        try:
            root = etree.fromstring(response.body, parser=_parser())
        except (etree.XMLSyntaxError, ValueError) as exc:
            root = None
            self.logger.error("unreadable feed %s: %s", response.url, str(exc)[:200])
        if root is None:
            self.crawler.stats.inc_value(keys.PARSE_ERRORS)
            self._record_walk(walk_result(walk, STOPPED, resume=response.url, reason="unreadable"))
            return
        entries = root.findall(f"{ATOM}entry") if root.tag == f"{ATOM}feed" else root.findall("./channel/item")
        self.list_page(walk, len(entries))
        for entry in entries:
            item = self.atom_item(entry) if root.tag == f"{ATOM}feed" else self.rss_item(entry)
            if item is None or walk.below_floor(item.published_at) or not self.in_window(item.published_at):
                continue
            yield item
        self._record_walk(walk_result(walk, COMPLETE))  # a feed is one page

    def rss_item(self, entry) -> PostItem | None:
        guid = _text(entry, "guid")
        return PostItem(platform=self.source.platform, kind="article", external_id=guid,
                        url=_text(entry, "link"), title=_text(entry, "title"),
                        text_raw=_text(entry, "description") or "",
                        published_at=parse_time(_text(entry, "pubDate"), self.source.timezone, self.clock.now()),
                        author_type=self.options.author_type,
                        extra={"media": _text(entry, "author")} if _text(entry, "author") else {})

    def atom_item(self, entry) -> PostItem | None:
        link = entry.find(f"{ATOM}link")
        content = _text(entry, f"{ATOM}content") or _text(entry, f"{ATOM}summary") or ""
        published = _text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated")
        author = entry.find(f"{ATOM}author/{ATOM}name")
        return PostItem(platform=self.source.platform, kind="article", external_id=_text(entry, f"{ATOM}id"),
                        url=link.get("href") if link is not None else None, title=_text(entry, f"{ATOM}title"),
                        text_raw=content, published_at=parse_time(published, self.source.timezone, self.clock.now()),
                        author_type=self.options.author_type,
                        extra={"media": author.text} if author is not None and author.text else {})
