"""Forum family (Tieba-style): thread lists → every page of each thread (floors) → 楼中楼 replies.

Lists are ordered by latest reply, as on Tieba, so the walk stops at the first page on which every thread is
already stored with the same reply count. Thread pages are decoded by detection (GBK/GB18030 under wrong or
missing headers), re-fetched when cut off, and read for every floor's ``data-field`` JSON.
"""

from __future__ import annotations

import json
import logging
import re

import scrapy
from pydantic import BaseModel, ConfigDict, Field

from crawlers.dates import parse_time
from crawlers.items import DeletionItem, PostItem
from crawlers.spiders.base import SourceSpider
from crawlers.textutil import shown_count
from crawlers.spiders.html import selector, text_of
from crawlers.walks import ListWalk

log = logging.getLogger(__name__)
_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
_REGION = re.compile(r"IP属地[:：]\s*(\S+)")


class ForumSelectors(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread_row: str = "li.j_thread_list"
    thread_link: str = "a.j_th_tit::attr(href)"
    next_page: str = "a.next::attr(href)"
    title: str = "h3.core_title_txt::attr(title)"
    floor: str = "div.l_post"
    floor_content: str = "div.d_post_content"
    floor_tail: str = "div.post-tail-wrap"
    total_pages: str = "li.l_reply_num span.red"
    reply_item: str = "li.lzl_single_post"
    reply_content: str = "span.lzl_content_main"
    reply_time: str = "span.lzl_time::text"


class ForumOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    boards: list[str] = Field(min_length=1, description="List-page URLs (relative to base_url).")
    thread_url: str = "/p/{tid}"
    replies_url: str = "/p/comment?tid={tid}&pid={pid}&pn={pn}"
    time_format: str | None = None
    selectors: ForumSelectors = Field(default_factory=ForumSelectors)


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _field(raw: str | None) -> dict:
    try:
        data = json.loads(raw or "{}")
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


class ForumSpider(SourceSpider):
    family = "forum"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = ForumOptions(**self.source.options)
        self.sel = self.options.selectors

    def _list_request(self, url: str, walk: ListWalk) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed, cb_kwargs={"walk": walk})

    def start_requests(self):
        for board in self.options.boards:
            yield from self.start_walks(board, self.source.url(board), self._list_request)

    def parse_list(self, response, walk: ListWalk):
        sel = selector(response, self.page_text(response))
        rows = sel.css(self.sel.thread_row)
        changed = False
        entries = 0
        for row in rows:
            href = row.css(self.sel.thread_link).get()
            field = _field(row.attrib.get("data-field"))
            tid = str(field.get("id") or re.sub(r"\D", "", href or ""))
            if not tid:
                continue
            entries += 1
            replies = shown_count(field.get("reply_num"))
            if not self.needs_thread(tid, replies):
                continue
            changed = True
            yield scrapy.Request(self.source.url(self.options.thread_url.format(tid=tid)),
                                 callback=self.parse_thread, cb_kwargs={"tid": tid, "pn": 1},
                                 meta={"handle_httpstatus_list": [404]})
        self.list_page(walk, entries)
        nxt = sel.css(self.sel.next_page).get()
        # Lists are ordered by latest reply: a page on which nothing changed ends the walk.
        request = self.follow_list(walk, response, bool(nxt) and changed,
                                   lambda w: self._list_request(response.urljoin(nxt), w))
        if request is not None:
            yield request

    def needs_thread(self, tid: str, replies: int) -> bool:
        known = self.state.children.get(tid)
        return known is None or replies != known

    def parse_thread(self, response, tid: str, pn: int):
        if response.status == 404:
            if tid in self.state.children:
                yield DeletionItem(self.source.platform, tid, "贴子已被删除")
            return
        text = self.page_text(response)
        again = self.refetch_if_truncated(response, text, "thread page")
        if again is not None:
            yield again
            return
        sel = selector(response, text)
        title = sel.css(self.sel.title).get()
        thread_url = self.source.url(self.options.thread_url.format(tid=tid))
        floors = sel.css(self.sel.floor)
        if not floors:
            self.parse_error(response, "thread floor")
        for floor in floors:
            field = _field(floor.attrib.get("data-field"))
            content = _mapping(field.get("content"))
            pid = str(content.get("post_id") or "")
            number = shown_count(content.get("post_no"))
            if not pid:
                continue
            tail = text_of(floor.css(self.sel.floor_tail))
            shown = _TIME.search(tail)
            region = _REGION.search(tail)
            body = floor.css(self.sel.floor_content)
            is_first = number == 1
            author = _mapping(field.get("author")).get("user_id")
            item = PostItem(
                platform=self.source.platform, kind="post" if is_first else "comment",
                external_id=tid if is_first else pid, text_raw=body.get() or "",
                title=title if is_first else None, url=thread_url if is_first else f"{thread_url}?pid={pid}",
                published_at=parse_time(shown.group(0) if shown else None, self.source.timezone,
                                        self.clock.now(), self.options.time_format),
                parent_external_id=None if is_first else tid, root_external_id=None if is_first else tid,
                author_id=str(author) if author else None, author_type="netizen",
                region=region.group(1) if region else None,
                comments_count=self._reply_count(sel) if is_first else shown_count(content.get("comment_num")),
                extra={"floor": number},
            )
            if is_first and not self.in_window(item.published_at):
                return
            yield item
            if not is_first and shown_count(content.get("comment_num")) > 0:
                yield scrapy.Request(self.source.url(self.options.replies_url.format(tid=tid, pid=pid, pn=1)),
                                     callback=self.parse_replies, cb_kwargs={"tid": tid, "pid": pid, "pn": 1})
        if pn == 1:
            total = self._total_pages(sel)
            for next_pn in range(2, total + 1):
                yield scrapy.Request(f"{thread_url}?pn={next_pn}", callback=self.parse_thread,
                                     cb_kwargs={"tid": tid, "pn": next_pn},
                                     meta={"handle_httpstatus_list": [404]})

    def _total_pages(self, sel) -> int:
        numbers = self._shown_numbers(sel)
        return max(1, min(numbers[-1], self.source.max_pages)) if numbers else 1

    def _reply_count(self, sel) -> int:
        numbers = self._shown_numbers(sel)
        return numbers[0] if len(numbers) > 1 else 0

    def _shown_numbers(self, sel) -> list[int]:
        return [shown_count(n) for n in sel.css(self.sel.total_pages + "::text").getall() if n.strip().isdecimal()]

    def parse_replies(self, response, tid: str, pid: str, pn: int):
        sel = selector(response, self.page_text(response))
        for li in sel.css(self.sel.reply_item):
            field = _field(li.attrib.get("data-field"))
            spid = str(field.get("spid") or "")
            if not spid:
                continue
            yield PostItem(
                platform=self.source.platform, kind="reply", external_id=spid,
                text_raw=li.css(self.sel.reply_content).get() or "",
                url=self.source.url(self.options.thread_url.format(tid=tid)) + f"?pid={pid}#{spid}",
                published_at=parse_time(li.css(self.sel.reply_time).get(), self.source.timezone,
                                        self.clock.now(), self.options.time_format),
                parent_external_id=pid, root_external_id=tid,
                author_id=str(field.get("user_id")) if field.get("user_id") else None, author_type="netizen",
            )
        pager = _field(sel.css("li.lzl_li_pager::attr(data-field)").get())
        if pn == 1:
            for next_pn in range(2, min((shown_count(pager.get("total_page")) or 1), self.source.max_pages) + 1):
                yield scrapy.Request(self.source.url(self.options.replies_url.format(tid=tid, pid=pid, pn=next_pn)),
                                     callback=self.parse_replies, cb_kwargs={"tid": tid, "pid": pid, "pn": next_pn})
