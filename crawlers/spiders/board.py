"""Government message boards (留言板): the citizen's message with its category and handling status, and the
official reply with its date once there is one (stored as an ``official_reply`` under the message).

Messages still waiting for an answer are revisited on every run (their status changes); answered ones that are
already stored are skipped. Selectors come from the source's configuration.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import scrapy
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field

from crawlers.dates import parse_time
from crawlers.items import PostItem
from crawlers.spiders.base import SourceSpider
from crawlers.spiders.html import text_of
from crawlers.walks import ListWalk

log = logging.getLogger(__name__)


class BoardSelectors(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row: str = "tr.msg-row"
    link: str = "td.title a::attr(href)"
    row_status: str = "td.status"
    next_page: str = "div.pager a.next::attr(href)"
    title: str = "div.msg h2.title"
    category: str = "div.msg dd.category"
    status: str = "div.msg dd.status"
    time: str = "div.msg dd.time"
    region: str = "div.msg dd.region"
    content: str = "div.msg div.content"
    reply_org: str = "div.reply div.org"
    reply_time: str = "div.reply div.reply-time"
    reply_content: str = "div.reply div.reply-content"


class BoardOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lists: list[str] = Field(min_length=1)
    id_pattern: str = r"/(\d+)(?:\.html)?$"
    answered_status: list[str] = Field(default_factory=lambda: ["已回复", "已办结", "已答复"])
    time_format: str | None = None
    selectors: BoardSelectors = Field(default_factory=BoardSelectors)


def _strip_label(text: str) -> str:
    return re.sub(r"^[^：:]{1,8}[：:]\s*", "", text).strip()


class BoardSpider(SourceSpider):
    family = "message_board"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = BoardOptions(**self.source.options)
        self.sel = self.options.selectors
        self._id_re = re.compile(self.options.id_pattern)

    def _list_request(self, url: str, walk: ListWalk) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed, cb_kwargs={"walk": walk})

    def start_requests(self):
        for path in self.options.lists:
            yield from self.start_walks(path, self.source.url(path), self._list_request)

    def parse_list(self, response, walk: ListWalk):
        sel = Selector(text=self.page_text(response))
        pending = False
        entries = 0
        for row in sel.css(self.sel.row):
            url = self.link(response, row.css(self.sel.link).get())
            if url is None:
                continue
            entries += 1
            m = self._id_re.search(url)
            ext = m.group(1) if m else None
            status = text_of(row.css(self.sel.row_status))
            answered = status in self.options.answered_status
            known = self.state.children.get(ext) if ext else self.state.known_urls.get(url)
            if known:
                continue  # stored together with its official reply: nothing left to change
            if known is not None and not answered and status == self.state.statuses.get(ext or url):
                continue  # stored, still waiting, same status as last time
            pending = True
            yield scrapy.Request(url, callback=self.parse_message, cb_kwargs={"ext": ext, "floor": walk.floor})
        self.list_page(walk, entries)
        nxt = self.link(response, sel.css(self.sel.next_page).get())
        request = self.follow_list(walk, response, bool(nxt) and pending, lambda w: self._list_request(nxt, w))
        if request is not None:
            yield request

    def parse_message(self, response, ext: str | None, floor: datetime | None = None):
        sel = Selector(text=self.page_text(response))
        content = sel.css(self.sel.content)
        if not content:
            self.parse_error(response, "message")
            return
        published = parse_time(text_of(sel.css(self.sel.time)), self.source.timezone, self.clock.now(),
                               self.options.time_format)
        if (floor is not None and published is not None and published < floor) or not self.in_window(published):
            return
        status = text_of(sel.css(self.sel.status))
        message = PostItem(
            platform=self.source.platform, kind="message", external_id=ext, url=response.url,
            title=text_of(sel.css(self.sel.title)) or None, text_raw=content.get() or "", published_at=published,
            author_type="netizen", region=text_of(sel.css(self.sel.region)) or None,
            extra={"category": text_of(sel.css(self.sel.category)) or None, "status": status or None},
        )
        reply = sel.css(self.sel.reply_content)
        message.comments_count = 1 if reply else 0
        yield message
        if reply:
            org = _strip_label(text_of(sel.css(self.sel.reply_org)))
            shown = _strip_label(text_of(sel.css(self.sel.reply_time)))
            yield PostItem(
                platform=self.source.platform, kind="official_reply",
                external_id=f"{message.external_id}:reply" if message.external_id else None, url=response.url,
                text_raw=reply.get() or "", author_type="official", parent_external_id=message.external_id,
                root_external_id=message.external_id,
                published_at=parse_time(shown, self.source.timezone, self.clock.now(), self.options.time_format),
                extra={"reply_org": org or None},
            )
