"""Weibo-style JSON API family: feeds, keyword search and account timelines, then comments and 楼中楼 replies.

Shaped on m.weibo.cn: lists are ``container/getIndex`` (``cards`` → ``mblog``, search results grouped in
``card_group``, paged by ``page``), comments are ``comments/hotflow`` paged by the ``max_id`` cursor until
``max_id == 0``, replies under a comment are ``comments/hotFlowChild`` paged the same way.
A list is walked newest first until it reaches items below the crawl floor (high-water mark − revisit window).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import scrapy
from pydantic import BaseModel, ConfigDict, Field

from crawlers import stats as keys
from crawlers.blockpages import LOGIN, count_block
from crawlers.dates import parse_time
from crawlers.items import DeletionItem, PostItem
from crawlers.spiders.base import SourceSpider
from crawlers.textutil import shown_count, shown_number
from crawlers.walks import COMPLETE, STOPPED, ListWalk, walk_result

log = logging.getLogger(__name__)

_REGION = re.compile(r"(?:发布于|来自)\s*(\S{2,20})")
LOGIN_REQUIRED = -100  # what m.weibo.cn answers instead of data when it wants a login


def _page_of(url: str) -> int:
    """The ``page`` parameter of a list URL (a resumed walk goes on from there)."""
    try:
        return max(1, int(parse_qs(urlsplit(url).query).get("page", ["1"])[0]))
    except ValueError:
        return 1


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
    code = code if isinstance(code, int) and not isinstance(code, bool) else -1
    if not user.get("verified") and code == -1:
        return "netizen"
    return {1: "official", 3: "media", 0: "self_media", 200: "self_media", 220: "self_media"}.get(code, "unknown")


def region_of(text: str | None) -> str | None:
    m = _REGION.search(text) if isinstance(text, str) else None
    return m.group(1) if m else None


# Answers are hostile until proven otherwise: a field may hold any JSON type.
def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _ident(value) -> str:
    """An id as text ("" unless it is a non-empty string or an integer)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


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

    def _list_request(self, url: str, walk: ListWalk, containerid: str, extra: dict, page: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed,
                              cb_kwargs={"walk": walk, "containerid": containerid, "extra": extra, "page": page})

    def start_requests(self):
        lists = [(c, {}) for c in self.options.feeds]
        lists += [(f"100103type=1&q={kw}", {"page_type": "searchall"}) for kw in self.options.searches]
        lists += [(f"107603{uid}", {}) for uid in self.options.timelines]
        if not lists:
            self.logger.warning("source %s configures no feed, search or timeline", self.source.name)
        for containerid, extra in lists:
            def request_for(url: str, walk: ListWalk, containerid=containerid, extra=extra) -> scrapy.Request:
                return self._list_request(url, walk, containerid, extra, _page_of(url))

            yield from self.start_walks(containerid, self._list_url(containerid, 1, extra), request_for)

    def parse_list(self, response, walk: ListWalk, containerid: str, extra: dict, page: int):
        data = self.json_of(response)
        if data is None:
            self._record_walk(walk_result(walk, STOPPED, resume=response.url, reason="unreadable"))
            return
        if data.get("ok") == LOGIN_REQUIRED:
            count_block(self.crawler.stats, LOGIN, response.url)
            self._record_walk(walk_result(walk, STOPPED, resume=response.url, reason="login"))
            return
        if data.get("ok") != 1:
            self.logger.debug("list %s page %d ended: %s", containerid, page, data.get("msg"))
            if walk.page == 1 and walk.gap is None:
                self.crawler.stats.inc_value(keys.EMPTY_LISTS)
            self._record_walk(walk_result(walk, COMPLETE))
            return
        body = data.get("data") if isinstance(data.get("data"), dict) else {}
        reached_floor = False
        entries = 0
        cards = body.get("cards") if isinstance(body.get("cards"), list) else []
        for card in cards:
            if not isinstance(card, dict):
                continue
            group = card.get("card_group") if isinstance(card.get("card_group"), list) else [card]
            for entry in group:
                mblog = entry.get("mblog") if isinstance(entry, dict) else None
                if not isinstance(mblog, dict):
                    continue
                item = self.post_item(mblog)
                if item is None:
                    continue
                entries += 1
                if walk.below_floor(item.published_at):
                    reached_floor = True
                    continue
                if not self.in_window(item.published_at):
                    continue
                yield item
                if self.options.comments and self.needs_children(item.external_id, item.comments_count):
                    yield self.comments_request(item.external_id, 0)
                if self.options.reposts and item.reposts > self.state.reposts.get(item.external_id, 0):
                    yield self.reposts_request(item.external_id, 1)
        self.list_page(walk, entries)
        info = body.get("cardlistInfo") if isinstance(body.get("cardlistInfo"), dict) else {}
        nxt = self.follow_list(walk, response, bool(info.get("page")) and not reached_floor,
                               lambda w: self._list_request(self._list_url(containerid, page + 1, extra), w,
                                                            containerid, extra, page + 1))
        if nxt is not None:
            yield nxt

    def post_item(self, mblog: dict) -> PostItem | None:
        post_id = _ident(mblog.get("idstr")) or _ident(mblog.get("id"))
        if not post_id:
            return None
        user = _dict(mblog.get("user"))
        retweeted = mblog.get("retweeted_status")
        extra = {"bid": mblog["bid"]} if isinstance(mblog.get("bid"), str) and mblog["bid"] else {}
        if isinstance(retweeted, dict) and _ident(retweeted.get("id")):
            extra["retweeted_id"] = _ident(retweeted["id"])
        if shown_count(mblog.get("edit_count")):
            extra["edit_count"] = shown_count(mblog["edit_count"])
        return PostItem(
            platform=self.platform, kind="post", external_id=post_id, text_raw=_str(mblog.get("text")),
            url=self.source.url(f"/status/{post_id}"),
            published_at=parse_time(mblog.get("created_at"), self.source.timezone, self.clock.now()),
            author_id=str(user.get("id")) if user.get("id") is not None else None, author_type=author_type(user),
            region=region_of(mblog.get("region_name")), likes=shown_count(mblog.get("attitudes_count")),
            reposts=shown_count(mblog.get("reposts_count")), comments_count=shown_count(mblog.get("comments_count")),
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
        body = _dict(data.get("data"))
        for mblog in _list(body.get("data")):
            item = self.post_item(mblog) if isinstance(mblog, dict) else None
            if item is None:
                continue
            # A repost is a post of its own, linked to the original as its parent (not as a thread member).
            item.parent_external_id = post_id
            item.extra["repost_of"] = post_id
            yield item
        if page < shown_number(body.get("max")) and page < self.source.max_pages:
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
        self.crawler.stats.inc_value(keys.THREADS_TRUNCATED)
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
        body = _dict(data.get("data"))
        for comment in _list(body.get("data")):
            item = self.comment_item(comment, parent=post_id, root=post_id, kind="comment")
            if item is None:
                continue
            yield item
            if not self.options.replies:
                continue
            inline = comment.get("comments") if isinstance(comment.get("comments"), list) else []
            if shown_number(comment.get("total_number")) > len(inline):
                yield self.replies_request(item.external_id, post_id, 0)
            else:
                for reply in inline:
                    sub = self.comment_item(reply, parent=item.external_id, root=post_id, kind="reply")
                    if sub is not None:
                        yield sub
        max_id = shown_number(body.get("max_id"))
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
        for reply in _list(data.get("data")):
            item = self.comment_item(reply, parent=comment_id, root=post_id, kind="reply")
            if item is not None:
                yield item
        max_id = shown_number(data.get("max_id"))
        if max_id and self._more_pages(page, "replies", comment_id):
            yield self.replies_request(comment_id, post_id, max_id, page + 1)

    def comment_item(self, comment: dict, parent: str, root: str, kind: str) -> PostItem | None:
        if not isinstance(comment, dict) or not _ident(comment.get("id")):
            return None
        user = _dict(comment.get("user"))
        floor = shown_count(comment.get("floor_number"))
        return PostItem(
            platform=self.platform, kind=kind, external_id=_ident(comment["id"]), text_raw=_str(comment.get("text")),
            url=self.source.url(f"/status/{root}#comment-{comment['id']}"),
            published_at=parse_time(comment.get("created_at"), self.source.timezone, self.clock.now()),
            parent_external_id=parent, root_external_id=root,
            author_id=str(user.get("id")) if user.get("id") is not None else None, author_type=author_type(user),
            region=region_of(comment.get("source")), likes=shown_count(comment.get("like_count")),
            comments_count=shown_count(comment.get("total_number")) if kind == "comment" else 0,
            extra={"floor": floor} if floor else {},
        )
