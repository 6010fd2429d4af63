"""Responses that are not the page asked for: login walls, CAPTCHAs, rate-limit and block pages, binary data.

A site that starts asking for a login or a CAPTCHA usually still answers 200, so a crawl "succeeds" while it
collects nothing. :func:`classify_response` names such a response from its status, its final URL and its
content; :class:`BlockPageMiddleware` counts each kind in the crawl stats (``zhengyu/blocked/<kind>``) with an
example URL (families whose APIs say it in JSON, such as Weibo's ``ok: -100``, count it themselves), and drops the response so no parser mistakes it for content. Source health turns the counts into a
failure with its reason.

Real article pages routinely carry a "登录" link and a hidden login form in their header, so words alone prove
nothing. A page is a block page when its title says so, or when a strong phrase ("请输入验证码", "访问过于频繁")
or a password field appears on a page with little visible text. Checked on the saved real pages of
``../shared/data/pages`` (none is flagged: ``tests/crawlers/test_blockpages.py``).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawlers.stats import BLOCKED, BLOCKED_EXAMPLE

log = logging.getLogger(__name__)

LOGIN, CAPTCHA, RATE_LIMITED, FORBIDDEN, BINARY = "login", "captcha", "rate_limited", "forbidden", "binary"
KIND_NAMES = {LOGIN: "登录墙", CAPTCHA: "验证码", RATE_LIMITED: "访问频率限制", FORBIDDEN: "访问被拒绝",
              BINARY: "非文本内容"}

# A block page is short: real articles and lists have far more visible text than this.
SHORT_PAGE_CHARS = 1500
_SNIFF_BYTES = 64_000

_TITLE_MARKERS = (
    (CAPTCHA, ("验证码", "安全验证", "人机验证", "滑动验证", "captcha", "verify you are human")),
    (RATE_LIMITED, ("访问过于频繁", "访问太频繁", "请求过于频繁", "操作过于频繁", "too many requests")),
    (FORBIDDEN, ("访问受限", "访问被拒绝", "禁止访问", "access denied", "403 forbidden", "ip已被封禁")),
    (LOGIN, ("登录", "登陆", "sign in", "log in", "login")),
)
_BODY_MARKERS = (
    (CAPTCHA, ("请输入验证码", "请完成安全验证", "请完成验证", "拖动滑块", "滑动验证", "人机验证", "点击按钮进行验证")),
    (RATE_LIMITED, ("访问过于频繁", "访问太频繁", "请求过于频繁", "操作过于频繁", "请稍后再试", "您的访问出现异常")),
    (FORBIDDEN, ("访问受限", "拒绝访问", "禁止访问", "ip已被封禁", "ip 已被封禁", "您的ip", "access denied")),
    (LOGIN, ("请登录后", "登录后查看", "登录后才能", "请先登录", "登录后继续", "登录以继续")),
)
_URL_MARKERS = (
    (CAPTCHA, ("captcha", "/verify", "/security-check", "/antispider", "/anti_spider")),
    (LOGIN, ("/login", "/signin", "/sign_in", "passport.", "/passport", "/sso")),
)
_STATUS_KINDS = {401: LOGIN, 403: FORBIDDEN, 407: FORBIDDEN, 429: RATE_LIMITED}
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_PASSWORD_RE = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)
_INVISIBLE_RE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG_RE = re.compile(r"<[^>]*>")
_TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "application/rss",
               "application/atom", "application/xhtml", "+json", "+xml")


def looks_binary(body: bytes, content_type: str) -> bool:
    """Bytes that are no text page: a declared non-text type, or NUL bytes near the start (no CJK encoding
    has them; UTF-16 pages carry a BOM, which the decoder honours)."""
    ctype = content_type.lower()
    if ctype and not any(t in ctype for t in _TEXT_TYPES):
        return True
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def visible_text(markup: str) -> str:
    """The text a reader sees, roughly: scripts, styles and comments dropped, tags removed, spaces collapsed."""
    return " ".join(_TAG_RE.sub(" ", _INVISIBLE_RE.sub(" ", markup)).split())


def _first(markers, text: str) -> str | None:
    lowered = text.lower()
    for kind, words in markers:
        if any(w in lowered for w in words):
            return kind
    return None


def classify_page(url: str, markup: str) -> str | None:
    """The block kind of a decoded HTML page (None for an ordinary page)."""
    path = urlsplit(url)
    where = f"{path.netloc}{path.path}".lower()
    by_url = _first(_URL_MARKERS, where)
    match = _TITLE_RE.search(markup[:_SNIFF_BYTES])
    title = " ".join(_TAG_RE.sub(" ", match.group(1)).split()) if match else ""
    text = visible_text(markup)
    short = len(text) < SHORT_PAGE_CHARS
    if by_url and short:
        return by_url
    by_title = _first(_TITLE_MARKERS, title) if title and len(title) <= 40 else None
    if by_title and (short or by_title != LOGIN):
        return by_title
    if short:
        by_body = _first(_BODY_MARKERS, text)
        if by_body:
            return by_body
        if _PASSWORD_RE.search(markup) and len(text) < SHORT_PAGE_CHARS // 2:
            return LOGIN
    return None


def classify_response(status: int, url: str, content_type: str, body: bytes) -> str | None:
    """The block kind of a response by status, type and content, or None when it looks like real content."""
    if status in _STATUS_KINDS:
        return _STATUS_KINDS[status]
    if status >= 300 or not body:
        return None
    if looks_binary(body, content_type):
        return BINARY
    ctype = content_type.lower()
    if "html" not in ctype and not body.lstrip()[:1] == b"<":
        return None  # JSON and feeds: the family spider reads their own error codes
    from crawlers.encoding import decode_html

    return classify_page(url, decode_html(body, content_type or None))


class BlockPageMiddleware:
    """Downloader middleware: count and drop login walls, CAPTCHAs, rate-limit/block pages and binary answers.

    Placed nearest the engine, so it sees the final response after redirects and retries (a 429 retried into
    a 200 is fine; a login page reached by redirect is caught by its URL)."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_obey_robotstxt"):  # robots.txt itself
            return response
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        kind = classify_response(response.status, response.url, ctype, response.body)
        if kind is None:
            return response
        count_block(self.stats, kind, response.url)
        raise IgnoreRequest(f"{KIND_NAMES[kind]}：{response.url}")


def count_block(stats, kind: str, url: str) -> None:
    """Record one block page of ``kind`` in the crawl stats (with the first URL as an example)."""
    stats.inc_value(BLOCKED + kind)
    if not stats.get_value(BLOCKED_EXAMPLE + kind):
        stats.set_value(BLOCKED_EXAMPLE + kind, url)
    log.warning("%s looks like a %s page; not parsed", url, KIND_NAMES[kind])
