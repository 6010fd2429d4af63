"""Weibo-style JSON API family: feeds, keyword search and account timelines, then comments and 楼中楼 replies.

Shaped on m.weibo.cn: lists are ``container/getIndex`` (``cards`` → ``mblog``, search results grouped in
``card_group``, paged by ``page``), comments are ``comments/hotflow`` paged by the ``max_id`` cursor until
``max_id == 0``, replies under a comment are ``comments/hotFlowChild`` paged the same way.
A list is walked newest first until it reaches items below the crawl floor (high-water mark − revisit window).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlencode

import scrapy
from pydantic import BaseModel, ConfigDict, Field

from crawlers.dates import parse_time
from crawlers.items import DeletionItem, PostItem
from crawlers.spiders.base import SourceSpider

log = logging.getLogger(__name__)

_REGION = re.compile(r"(?:发布于|来自)\s*(\S{2,20})")


class WeiboEndpoints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    get_index: str = "/api/container/getIndex"
    show: str = "/api/statuses/show"
    hotflow: str = "/api/comments/hotflow"
    hotflow_child: str = "/api/comments/hotFlowChild"
    repost_timeline: str = "/api/statuses/repostTimeline"


class WeiboOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[str] = Field(default_factory=list, description="containerids of feeds, e.g. 102803.")
    searches: list[str] = Field(default_factory=list, description="Search keywords.")
    timelines: list[str] = Field(default_factory=list, description="Account ids whose timelines are walked.")
    comments: bool = True
    replies: bool = True
    reposts: bool = Field(False, description="Also collect reposts (转发), stored as posts under the original.")
    max_comment_pages: int = Field(100, ge=1, description="Stop paging one post's comments (or one comment's "
                                                            "replies) after this many pages.")
    endpoints: WeiboEndpoints = Field(default_factory=WeiboEndpoints)


def author_type(user: dict) -> str:
    """Coarse author type from Weibo's verification code; nothing else about the person is kept."""
    if not isinstance(user, dict) or not user:
        return "unknown"
    code = user.get("verified_type", -1)
    if not user.get("verified") and code in (-1, None):
        return "netizen"
    return {1: "official", 3: "media", 0: "self_media", 200: "self_media", 220: "self_media"}.get(code, "unknown")


def region_of(text: str | None) -> str | None:
    m = _REGION.search(text or "")
    return m.group(1) if m else None


class WeiboSpider(SourceSpider):
    family = "weibo"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = WeiboOptions(**self.source.options)
        self.platform = self.source.platform

    # -- lists -----------------------------------------------------------------------------------------
    def _list_url(self, containerid: str, page: int, extra: dict | None = None) -> str:
        params = {"containerid": containerid, **(extra or {}), "page": page}
        return self.source.url(self.options.endpoints.get_index) + "?" + urlencode(params, quote_via=quote)

    def start_requests(self):
        lists = [(c, {}) for c in self.options.feeds]
        lists += [(f"100103type=1&q={kw}", {"page_type": "searchall"}) for kw in self.options.searches]
        lists += [(f"107603{uid}", {}) for uid in self.options.timelines]
        if not lists:
            self.logger.warning("source %s configures no feed, search or timeline", self.source.name)
        for containerid, extra in lists:
            yield scrapy.Request(self._list_url(containerid, 1, extra), callback=self.parse_list,
                                 cb_kwargs={"containerid": containerid, "extra": extra, "page": 1})

    def parse_list(self, response, containerid: str, extra: dict, page: int):
        data = self.json_of(response)
        if data is None:
            return
        if data.get("ok") != 1:
            self.logger.debug("list %s page %d ended: %s", containerid, page, data.get("msg"))
            return
        body = data.get("data") or {}
        reached_floor = False
        for card in body.get("cards") or []:
            group = card.get("card_group") if isinstance(card.get("card_group"), list) else [card]
            for entry in group:
                mblog = entry.get("mblog") if isinstance(entry, dict) else None
                if not isinstance(mblog, dict):
                    continue
                item = self.post_item(mblog)
                if item is None:
                    continue
                if self.below_floor(item.published_at):
                    reached_floor = True
                    continue
                if not self.in_window(item.published_at):
                    continue
                yield item
                if self.options.comments and self.needs_children(item.external_id, item.comments_count):
                    yield self.comments_request(item.external_id, 0)
                if self.options.reposts and item.reposts > self.state.reposts.get(item.external_id, 0):
                    yield self.reposts_request(item.external_id, 1)
        next_page = (body.get("cardlistInfo") or {}).get("page")
        if next_page and not reached_floor and page < self.source.max_pages:
            yield scrapy.Request(self._list_url(containerid, page + 1, extra), callback=self.parse_list,
                                 cb_kwargs={"containerid": containerid, "extra": extra, "page": page + 1})

    def post_item(self, mblog: dict) -> PostItem | None:
        post_id = str(mblog.get("idstr") or mblog.get("id") or "")
        if not post_id:
            return None
        user = mblog.get("user") or {}
        retweeted = mblog.get("retweeted_status")
        extra = {"bid": mblog.get("bid")} if mblog.get("bid") else {}
        if isinstance(retweeted, dict) and retweeted.get("id"):
            extra["retweeted_id"] = str(retweeted["id"])
        if mblog.get("edit_count"):
            extra["edit_count"] = mblog["edit_count"]
        return PostItem(
            platform=self.platform, kind="post", external_id=post_id, text_raw=mblog.get("text") or "",
            url=self.source.url(f"/status/{post_id}"),
            published_at=parse_time(mblog.get("created_at"), self.source.timezone, self.clock.now()),
            author_id=str(user.get("id")) if user.get("id") is not None else None, author_type=author_type(user),
            region=region_of(mblog.get("region_name")), likes=_int(mblog.get("attitudes_count")),
            reposts=_int(mblog.get("reposts_count")), comments_count=_int(mblog.get("comments_count")),
            extra=extra,
        )

    # -- reposts ---------------------------------------------------------------------------------------
    def reposts_request(self, post_id: str, page: int) -> scrapy.Request:
        url = self.source.url(self.options.endpoints.repost_timeline) + "?" + urlencode({"id": post_id, "page": page})
        return scrapy.Request(url, callback=self.parse_reposts, cb_kwargs={"post_id": post_id, "page": page})

    def parse_reposts(self, response, post_id: str, page: int):
        data = self.json_of(response)
        if data is None or data.get("ok") != 1:
            return
        body = data.get("data") or {}
        for mblog in body.get("data") or []:
            item = self.post_item(mblog) if isinstance(mblog, dict) else None
            if item is None:
                continue
            # A repost is a post of its own, linked to the original as its parent (not as a thread member).
            item.parent_external_id = post_id
            item.extra["repost_of"] = post_id
            yield item
        if page < _int(body.get("max")) and page < self.source.max_pages:
            yield self.reposts_request(post_id, page + 1)

    # -- comments --------------------------------------------------------------------------------------
    def comments_request(self, post_id: str, max_id: int, page: int = 1) -> scrapy.Request:
        params = {"id": post_id, "mid": post_id, "max_id_type": 0}
        if max_id:
            params["max_id"] = max_id
        url = self.source.url(self.options.endpoints.hotflow) + "?" + urlencode(params)
        return scrapy.Request(url, callback=self.parse_comments, cb_kwargs={"post_id": post_id, "page": page})

    def _more_pages(self, page: int, what: str, key: str) -> bool:
        """Whether a cursor-paged thread may fetch another page; a site whose cursor never ends is cut off."""
        if page < self.options.max_comment_pages:
            return True
        self.crawler.stats.inc_value("zhengyu/threads_truncated")
        self.logger.warning("%s of %s stopped after %d pages (max_comment_pages)", what, key, page)
        return False

    def parse_comments(self, response, post_id: str, page: int = 1):
        data = self.json_of(response)
        if data is None:
            return
        if data.get("ok") != 1:
            if str(data.get("errno")) == "20101":
                yield DeletionItem(self.platform, post_id, data.get("msg") or "")
            else:
                self.logger.debug("no comments for %s: %s", post_id, data.get("msg"))
            return
        body = data.get("data") or {}
        for comment in body.get("data") or []:
            item = self.comment_item(comment, parent=post_id, root=post_id, kind="comment")
            if item is None:
                continue
            yield item
            if not self.options.replies:
                continue
            inline = comment.get("comments") if isinstance(comment.get("comments"), list) else []
            if _int(comment.get("total_number")) > len(inline):
                yield self.replies_request(item.external_id, post_id, 0)
            else:
                for reply in inline:
                    sub = self.comment_item(reply, parent=item.external_id, root=post_id, kind="reply")
                    if sub is not None:
                        yield sub
        max_id = _int(body.get("max_id"))
        if max_id and self._more_pages(page, "comments", post_id):
            yield self.comments_request(post_id, max_id, page + 1)

    def replies_request(self, comment_id: str, post_id: str, max_id: int, page: int = 1) -> scrapy.Request:
        params = {"cid": comment_id, "max_id": max_id, "max_id_type": 0}
        url = self.source.url(self.options.endpoints.hotflow_child) + "?" + urlencode(params)
        return scrapy.Request(url, callback=self.parse_replies, cb_kwargs={"comment_id": comment_id,
                                                                           "post_id": post_id, "page": page})

    def parse_replies(self, response, comment_id: str, post_id: str, page: int = 1):
        data = self.json_of(response)
        if data is None or data.get("ok") != 1:
            return
        for reply in data.get("data") or []:
            item = self.comment_item(reply, parent=comment_id, root=post_id, kind="reply")
            if item is not None:
                yield item
        max_id = _int(data.get("max_id"))
        if max_id and self._more_pages(page, "replies", comment_id):
            yield self.replies_request(comment_id, post_id, max_id, page + 1)

    def comment_item(self, comment: dict, parent: str, root: str, kind: str) -> PostItem | None:
        if not isinstance(comment, dict) or not comment.get("id"):
            return None
        user = comment.get("user") or {}
        return PostItem(
            platform=self.platform, kind=kind, external_id=str(comment["id"]), text_raw=comment.get("text") or "",
            url=self.source.url(f"/status/{root}#comment-{comment['id']}"),
            published_at=parse_time(comment.get("created_at"), self.source.timezone, self.clock.now()),
            parent_external_id=parent, root_external_id=root,
            author_id=str(user.get("id")) if user.get("id") is not None else None, author_type=author_type(user),
            region=region_of(comment.get("source")), likes=_int(comment.get("like_count")),
            comments_count=_int(comment.get("total_number")) if kind == "comment" else 0,
            extra={"floor": comment["floor_number"]} if comment.get("floor_number") else {},
        )


_SHOWN_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万|亿)?\+?\s*$")


def _int(value) -> int:
    """A count as shown: 42, "42", "3.5万", "100万+" (the platform rounds big numbers)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    m = _SHOWN_COUNT.match(str(value or ""))
    if not m:
        return 0
    return int(float(m.group(1)) * {"万": 10_000, "亿": 100_000_000}.get(m.group(2), 1))
