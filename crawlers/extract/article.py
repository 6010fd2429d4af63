"""Generic article extraction: one function from page HTML to :class:`Article`."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from crawlers.encoding import decode_html
from crawlers.extract.body import body_lines as body_lines_of
from crawlers.extract.body import find_body
from crawlers.extract.byline import extract_byline
from crawlers.extract.dates import extract_published
from crawlers.extract.dom import clean, node_text, paragraphs, parse
from crawlers.extract.fallback_dates import htmldate_stamp
from crawlers.extract.model import Article
from crawlers.extract.title import extract_title, site_names
from crawlers.extract.wechat import is_wechat_page, read_wechat_page

log = logging.getLogger(__name__)

_HEADER_LINES = 12
_EMPTY = Article(title=None, published_at=None, author=None, source=None, text="")
# Where a saved page says it came from: the browser's "saved from url" mark, rel=canonical, og:url.
_OWN_URL_RES = (
    re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I),
    re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*\bhref=[\"']([^\"'>\s]+)", re.I),
    re.compile(r"<link\b[^>]*\bhref=[\"']([^\"'>\s]+)[\"'][^>]*\brel=[\"']?canonical", re.I),
    re.compile(r"<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*\bcontent=[\"']([^\"'>\s]+)", re.I),
)


def _own_url(raw: str) -> str | None:
    head = raw[:20_000]
    for pattern in _OWN_URL_RES:
        match = pattern.search(head)
        if match and "//" in match.group(1):
            return match.group(1)
    return None


def _find_line(lines: list[str], text: str | None, start: int = 0) -> int | None:
    if not text:
        return None
    for index in range(start, len(lines)):
        if lines[index] == text:
            return index
    for index in range(start, len(lines)):
        if text in lines[index] and len(lines[index]) <= len(text) * 3 + 20:
            return index
    return None


def extract_article(html: str | bytes, url: str | None = None, now: datetime | None = None) -> Article:
    """Extract headline, publish time, author, source media and body prose from one article page.

    Works on any page without site-specific selectors; fields the page does not show are None (``text`` is
    then empty). WeChat official-account pages also give the account's name. Raw bytes are accepted and decoded
    with :func:`crawlers.encoding.decode_html`. ``url`` (the page's address) helps date pages that show no year or
    no date at all; ``now`` (the injected clock's time) bounds the dates guessed from the page. Never raises for
    malformed markup; a page that is no article (a deleted WeChat article, a verification wall) gives an empty one
    (:func:`crawlers.extract.page.extract_page` says why instead).
    """
    return extract_with_reason(html, url, now)[0]


def extract_with_reason(html: str | bytes, url: str | None = None,
                        now: datetime | None = None) -> tuple[Article, str | None]:
    """:func:`extract_article`, plus the reason when the page is a notice rather than an article (else None)."""
    raw = decode_html(html) if isinstance(html, (bytes, bytearray)) else (html or "")
    root = parse(raw)
    if root is None:
        return _EMPTY, None
    own_url = url or _own_url(raw)
    wechat = read_wechat_page(root, raw) if is_wechat_page(root, own_url) else None
    if wechat is not None and wechat.unavailable:
        log.info("no article on %s: %s", own_url or "page", wechat.unavailable)
        return _EMPTY, wechat.unavailable
    clean(root)
    title, title_el = extract_title(root)
    if wechat is not None and wechat.title:
        title, title_el = wechat.title, None
    body_el = root.find("body")
    all_lines = paragraphs(body_el if body_el is not None else root)

    nodes = [wechat.body] if wechat is not None and wechat.body is not None else find_body(root)
    body_lines, trailer = body_lines_of(nodes)
    while body_lines and title and body_lines[0] == title:
        body_lines.pop(0)

    anchor = _find_line(all_lines, node_text(title_el) if title_el is not None else title)
    if anchor is None and title:
        anchor = _find_line(all_lines, title)
    header: list[str] = []
    if anchor is not None:
        first_body = _find_line(all_lines, body_lines[0], anchor + 1) if body_lines else None
        stop = first_body if first_body is not None else anchor + 1 + _HEADER_LINES
        header = all_lines[anchor + 1: min(stop, anchor + 1 + _HEADER_LINES)]
    published = wechat.published if wechat is not None else None
    if published is None:
        published = extract_published(all_lines, anchor, root, raw, own_url,
                                      fallback=lambda: htmldate_stamp(raw, own_url, now))
    author, source = extract_byline(header, body_lines + trailer, root, site_names(root, title))
    account = None
    if wechat is not None:
        account = wechat.account
        author = wechat.author or (author if author != account else None)
        source = source if source != account else None
    log.debug("extracted %s: title=%r published=%s body=%d chars", own_url or "page", title, published,
              sum(map(len, body_lines)))
    return Article(title=title, published_at=published, author=author, source=source, text="\n".join(body_lines),
                   account=account), None
