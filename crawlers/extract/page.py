"""The strict entry point: a page that cannot give an article is refused with a clear error instead of an empty one.

:func:`crawlers.extract.extract_article` never raises, which suits a crawl (an empty article is counted and
logged). A user who hands over one page — ``zhengyu extract page.html`` — is better served by being told why
nothing came out: the file is missing, empty, too large, binary, not HTML, or a WeChat notice instead of an
article (deleted, taken down, a verification wall). Each case is a :class:`PageError` with a Chinese message.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from crawlers.encoding import decode_html
from crawlers.extract.article import extract_with_reason
from crawlers.extract.model import Article
from zhengyu.errors import ZhengyuError

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 50 * 1024 * 1024
_TAG_RE = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|p|h[1-6]|article|table|span|a|section)\b", re.I)
_SNIFF_CHARS = 200_000
# Control bytes other than tab, newline, carriage return and form feed: text pages have (almost) none.
_BINARY_RE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BINARY_SHARE = 0.01


class PageError(ZhengyuError):
    """A page from which no article can be extracted; the message says why, in Chinese."""


class EmptyPage(PageError):
    """The page has no content at all."""


class PageTooLarge(PageError):
    """The page is larger than any article page (a download, a dump, an attack)."""


class NotHtml(PageError):
    """The bytes are binary data or plain text, not an HTML page."""


class PageUnavailable(PageError):
    """The site answered with a notice instead of the article (deleted, taken down, verification wall)."""


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text is full of NUL bytes
    return b"\x00" in head[:4096] or len(_BINARY_RE.findall(head)) > _BINARY_SHARE * len(head)


def check_page(raw: bytes | str, where: str = "网页", name: str = "") -> str:
    """The page's markup, decoded; raises :class:`PageError` for empty, oversized, binary or non-HTML input.

    ``where`` names the thing in messages ("网页", "网页文件"), ``name`` follows it (e.g. "：/path/page.html").
    """
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > MAX_PAGE_BYTES:
        raise PageTooLarge(f"{where}过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_PAGE_BYTES // 1024 // 1024} MB）{name}")
    if isinstance(raw, str):
        markup = raw
    else:
        if not raw.strip():
            raise EmptyPage(f"{where}是空的{name}")
        if _looks_binary(bytes(raw[:_SNIFF_CHARS])):
            raise NotHtml(f"{where}不是 HTML 网页（二进制数据）{name}")
        markup = decode_html(raw)
    if not markup.strip():
        raise EmptyPage(f"{where}是空的{name}")
    if not _TAG_RE.search(markup[:_SNIFF_CHARS]):
        raise NotHtml(f"{where}不是 HTML 网页（没有任何网页标签）{name}")
    return markup


def extract_page(raw: bytes | str, url: str | None = None, now: datetime | None = None,
                 where: str = "网页", name: str = "") -> Article:
    """Like :func:`crawlers.extract.extract_article`, but raises :class:`PageError` when there is no article."""
    markup = check_page(raw, where, name)
    article, reason = extract_with_reason(markup, url, now)
    if reason is not None:
        raise PageUnavailable(f"{where}没有文章：{reason}{name}")
    if not article.text and not article.title:
        raise PageUnavailable(f"{where}里找不到文章的标题和正文{name}")
    return article


def extract_page_file(path: Path, url: str | None = None, now: datetime | None = None) -> Article:
    """Read a saved page from ``path`` and extract it strictly; file problems are :class:`PageError` too."""
    if not path.exists():
        raise PageError(f"找不到网页文件：{path}")
    if not path.is_file():
        raise PageError(f"不是文件：{path}")
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise PageTooLarge(f"网页文件过大（超过 {MAX_PAGE_BYTES // 1024 // 1024} MB）：{path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PageError(f"无法读取网页文件 {path}：{exc.strerror or exc}") from exc
    return extract_page(raw, url, now, where="网页文件", name=f"：{path}")
