"""News portal family: list pages → article pages → the article's comment API, when the site has one.

Article fields come from the source's selectors when configured, otherwise from the generic extractor
(``crawlers.extract.extract_article``), so a new portal needs no code. Pages are decoded by detection.
Known articles (by URL, inside the revisit window) are not fetched again; their comment API is asked for new
comments. The list walk stops at the first page that holds nothing new.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import scrapy
from pydantic import BaseModel, ConfigDict, Field

from crawlers.dates import parse_time
from crawlers.extract import extract_article
from crawlers.items import PostItem
from crawlers.spiders.base import SourceSpider
from crawlers.textutil import shown_count
from crawlers.spiders.html import text_of
from crawlers.walks import ListWalk
from parsel import Selector

log = logging.getLogger(__name__)


class ArticleSelectors(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    time: str
    body: str
    source: str | None = None
    author: str | None = None


class CommentApi(BaseModel):
    """A JSON comment API; paths are dotted keys into the response."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="URL template with {id} and {page}.")
    items: str = "data.comments"
    has_more: str = "data.has_more"
    total: str = "data.total"
    id: str = "cmt_id"
    text: str = "content"
    time: str = "ctime"
    author: str = "uid"
    region: str = "area"
    likes: str = "agree"
    max_pages: int = 50


class NewsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lists: list[str] = Field(min_length=1)
    article_link: str = "a::attr(href)"
    next_page: str | None = None
    article_url_pattern: str | None = Field(None, description="Regex an article URL must match.")
    id_pattern: str | None = Field(None, description="Regex with one group: the article id in its URL. "
                                                     "Without it articles are keyed by content hash.")
    selectors: ArticleSelectors | None = None
    time_format: str | None = None
    author_type: str = "media"
    comments: CommentApi | None = None


def dig(data, dotted: str):
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


class NewsSpider(SourceSpider):
    family = "news"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = NewsOptions(**self.source.options)
        self._url_re = re.compile(self.options.article_url_pattern) if self.options.article_url_pattern else None
        self._id_re = re.compile(self.options.id_pattern) if self.options.id_pattern else None

    def _list_request(self, url: str, walk: ListWalk) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed, cb_kwargs={"walk": walk})

    def start_requests(self):
        for path in self.options.lists:
            yield from self.start_walks(path, self.source.url(path), self._list_request)

    def article_id(self, url: str) -> str | None:
        if self._id_re is None:
            return None
        m = self._id_re.search(url)
        return m.group(1) if m else None

    def parse_list(self, response, walk: ListWalk):
        sel = Selector(text=self.page_text(response))
        fresh = False
        entries = 0
        for href in sel.css(self.options.article_link).getall():
            url = self.link(response, href)
            if url is None or (self._url_re is not None and not self._url_re.search(url)):
                continue
            entries += 1
            ext = self.article_id(url)
            known = self.state.known_urls.get(url)
            if known is None and ext is not None:
                known = self.state.children.get(ext)
            if known is None:
                fresh = True
                yield scrapy.Request(url, callback=self.parse_article, cb_kwargs={"ext": ext, "floor": walk.floor})
            elif self.options.comments and ext is not None:
                yield self.comments_request(ext, 1, url, known)
        self.list_page(walk, entries)
        nxt = self.link(response, sel.css(self.options.next_page).get()) if self.options.next_page else None
        # The walk ends at the first page that holds nothing new.
        request = self.follow_list(walk, response, bool(nxt) and fresh, lambda w: self._list_request(nxt, w))
        if request is not None:
            yield request

    def parse_article(self, response, ext: str | None, floor: datetime | None = None):
        text = self.page_text(response)
        again = self.refetch_if_truncated(response, text, "article")
        if again is not None:
            yield again
            return
        item = self.article_item(text, response.url, ext)
        if item is None:
            self.parse_error(response, "article")
            return
        if (floor is not None and item.published_at is not None and item.published_at < floor) \
                or not self.in_window(item.published_at):
            return
        yield item
        if self.options.comments and ext is not None:
            yield self.comments_request(ext, 1, response.url, 0)

    def article_item(self, text: str, url: str, ext: str | None) -> PostItem | None:
        s = self.options.selectors
        if s is not None:
            sel = Selector(text=text)
            title = text_of(sel.css(s.title)) or None
            shown = text_of(sel.css(s.time))
            published = parse_time(re.sub(r"^[^\d]*", "", shown), self.source.timezone, self.clock.now(),
                                   self.options.time_format)
            body = "\n".join(t for t in (text_of(p) for p in sel.css(s.body)) if t)
            media = text_of(sel.css(s.source)).removeprefix("来源：").strip() if s.source else None
            author = text_of(sel.css(s.author)) if s.author else None
            account = None
        else:
            article = extract_article(text, url)
            title, published, body = article.title, article.published_at, article.text
            media, author, account = article.source, article.author, article.account
            if published is not None:
                published = published.astimezone(timezone.utc)
        if not body and not title:
            return None
        return PostItem(platform=self.source.platform, kind="article", external_id=ext, url=url, title=title,
                        text_raw=body, published_at=published, author_type=self.options.author_type,
                        extra={k: v for k, v in {"media": media, "byline": author, "account": account}.items() if v})

    def _comment_time(self, shown) -> datetime | None:
        """A comment's time: a Unix timestamp or a shown time; None when it is neither."""
        if isinstance(shown, (int, float)) and not isinstance(shown, bool):
            try:
                return datetime.fromtimestamp(shown, timezone.utc)
            except (OverflowError, OSError, ValueError):
                return None
        return parse_time(str(shown or ""), self.source.timezone, self.clock.now())

    def comments_request(self, ext: str, page: int, article_url: str, known: int) -> scrapy.Request:
        api = self.options.comments
        return scrapy.Request(self.source.url(api.url.format(id=ext, page=page)), callback=self.parse_comments,
                              cb_kwargs={"ext": ext, "page": page, "article_url": article_url, "known": known})

    def parse_comments(self, response, ext: str, page: int, article_url: str, known: int):
        api = self.options.comments
        data = self.json_of(response)
        if data is None:
            return
        total = dig(data, api.total)
        if page == 1 and isinstance(total, int) and total <= known:
            return  # nothing new under this article
        items = dig(data, api.items)
        for c in items if isinstance(items, list) else []:
            if not isinstance(c, dict) or not isinstance(c.get(api.id), (str, int)) or isinstance(c[api.id], bool):
                continue
            region = c.get(api.region)
            yield PostItem(platform=self.source.platform, kind="comment", external_id=f"{ext}:c{c[api.id]}",
                           text_raw=str(c.get(api.text) or ""), url=f"{article_url}#comment-{c[api.id]}",
                           published_at=self._comment_time(c.get(api.time)), parent_external_id=ext,
                           root_external_id=ext, author_id=str(c.get(api.author)) if c.get(api.author) else None,
                           author_type="netizen", region=region[:60] if isinstance(region, str) and region else None,
                           likes=shown_count(c.get(api.likes)))
        if dig(data, api.has_more) and page < api.max_pages:
            yield self.comments_request(ext, page + 1, article_url, known)
