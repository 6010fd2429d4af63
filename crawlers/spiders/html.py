"""Shared handling of HTML responses: honest decoding whatever the headers claim, and cut-off pages."""

from __future__ import annotations

import re

import scrapy
from parsel import Selector

from crawlers.encoding import decode_html

MAX_REFETCH = 2
_PAGELET = re.compile(r'<code class="pagelet_html"[^>]*>\s*<!--(.*?)-->\s*</code>', re.S)


def page_text(response) -> str:
    """The page as text: bytes decoded by detection (headers and meta tags are often wrong on Chinese sites)."""
    return decode_html(response.body, response.headers.get("Content-Type"))


def selector(response, text: str | None = None) -> Selector:
    """A selector over the page (``text``: the page already decoded); Tieba's lists hidden in HTML comments are
    unwrapped first."""
    text = page_text(response) if text is None else text
    return Selector(text=_PAGELET.sub(lambda m: m.group(1), text))


def looks_truncated(text: str) -> bool:
    """A page whose closing ``</html>`` never arrived was cut off in transit."""
    tail = text[-4000:].lower()
    return "<html" in text[:2000].lower() and "</html>" not in tail


def refetch(response) -> scrapy.Request | None:
    """The same request again (bypassing the dupefilter), at most MAX_REFETCH times."""
    tries = response.meta.get("zhengyu_refetch", 0)
    if tries >= MAX_REFETCH:
        return None
    keep = {k: v for k, v in response.request.meta.items() if k == "handle_httpstatus_list"}
    return response.request.replace(dont_filter=True, meta={**keep, "zhengyu_refetch": tries + 1})


def text_of(sel) -> str:
    """Visible text of a selection, whitespace-joined."""
    return " ".join(t.strip() for t in sel.xpath(".//text()").getall() if t.strip())
