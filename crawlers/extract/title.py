"""Find the headline.

The ``<title>`` usually carries the headline plus a site suffix ("…_网易新闻", "…-新华网", "…|香港_新浪新闻"),
while the visible headline sits in an ``<h1>`` — except when the first ``<h1>`` is the site logo, is empty, or the
page has none and uses ``<h2>``/``<h3>``/a ``div.title``. So every visible headline-like element is a candidate and
is scored by how well it agrees with ``<title>`` and ``og:title``; with no agreeing candidate, the ``<title>`` minus
its site suffix is the answer.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from crawlers.extract.dom import BLOCK_TAGS, is_hidden, node_text, squeeze, tag_of

_SUFFIX_SPLIT_RE = re.compile(r"\s*(?:\s[-–—|·]\s|\s{2,}|[_|｜]|——|--|－|-(?=[^-]{2,20}$))\s*")
_TITLEISH_RE = re.compile(r"title|headline|biaoti|tit\b|h-title|art_tit|article-tit", re.I)
_HEADING_TAGS = ("h1", "h2", "h3")
_META_TITLE_KEYS = ("og:title", "twitter:title", "title", "articletitle", "headline")
_MIN_LEN, _MAX_LEN = 4, 120
_MIN_FALLBACK_LEN = 6
_MAX_REF_LEN = 300  # a longer <title> is junk (keyword stuffing, a broken page swallowing the document)


def meta_title(root) -> str | None:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_TITLE_KEYS:
            value = squeeze(meta.get("content") or "")
            if value:
                return value
    return None


def page_title(root) -> str | None:
    el = root.find(".//title")
    if el is None:
        return None
    return " ".join(el.text_content().split()) or None


def strip_site_suffix(title: str) -> str:
    """The headline part of a ``<title>``: its longest segment when split at site-name separators."""
    parts = [p for p in _SUFFIX_SPLIT_RE.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title.strip()
    first = parts[0].strip()
    longest = max(parts, key=len).strip()
    return first if len(first) >= len(longest) * 0.6 else longest


def _candidates(root, headline: str | None = None):
    """Headline-like elements in document order: h1-h3, ``*.title``, and any element showing ``headline``."""
    body = root.find("body")
    if body is None:
        return
    for order, el in enumerate(body.iter()):
        tag = tag_of(el)
        if not tag or is_hidden(el):
            continue
        if tag in _HEADING_TAGS:
            yield order, el, tag
        elif tag in {"div", "p", "span", "td", "strong", "font", "b", "h4", "h5"} \
                and _TITLEISH_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            yield order, el, "titleish"
        elif headline and len(el) <= 3 and (el.text or "").strip()[:4] == headline[:4] \
                    and node_text(el) == headline:
                yield order, el, "exact"


def _heading_text(el) -> str:
    """A heading's text up to its first nested block: broken pages leave ``<h1>`` unclosed around the article."""
    parts = [el.text or ""]
    for child in el:
        if tag_of(child) in BLOCK_TAGS:
            break
        parts.append(node_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _similarity(text: str, refs: list[str]) -> float:
    best = 0.0
    for ref in refs:
        if text == ref:
            return 1.0
        if text in ref:
            best = max(best, len(text) / len(ref))
            continue
        best = max(best, SequenceMatcher(None, text, ref, autojunk=False).ratio())
    return best


def _is_logo(el) -> bool:
    """A heading whose content is the site's logo link (an image, or a link to the home page)."""
    links = el.findall(".//a")
    text = node_text(el)
    if el.find(".//img") is not None and len(text) < 8:
        return True
    if len(links) == 1:
        href = (links[0].get("href") or "").rstrip("/")
        if re.fullmatch(r"(https?:)?//[^/]+", href) or href in {"", "/", "index.html"}:
            return len(text) < 12
    return False


def site_names(root, headline: str | None) -> str:
    """The part of ``<title>`` that is not the headline: the site's own names ("_网易财经", "-新华网")."""
    full = page_title(root) or ""
    return full.replace(headline, " ") if headline else full


def extract_title(root) -> tuple[str | None, object | None]:
    """The headline and the element it was found in (None when it came from ``<title>``/meta only)."""
    full = page_title(root)
    meta = meta_title(root)
    refs = [r for r in (full and strip_site_suffix(full), meta and strip_site_suffix(meta), full, meta)
            if r and len(r) <= _MAX_REF_LEN]
    best = None
    best_score = 0.0
    for order, el, kind in _candidates(root, refs[0] if refs else None):
        text = _heading_text(el)
        if not (_MIN_LEN <= len(text) <= _MAX_LEN) or _is_logo(el):
            continue
        sim = _similarity(text, refs) if refs else 0.0
        bonus = {"h1": 0.15, "h2": 0.05, "h3": 0.0, "titleish": 0.05, "exact": 0.05}[kind]
        score = sim + bonus - min(order, 5000) / 100000
        if sim >= 0.6 and score > best_score:
            best, best_score = (text, el), score
    if best is not None:
        return best
    # Nothing visible agrees with <title>: either <title> is only the site's name, or the page shows another
    # wording. A substantial first-level heading is then the better guess; otherwise <title> minus its suffix.
    for order, el, kind in _candidates(root):
        text = _heading_text(el)
        if kind == "h1" and _MIN_FALLBACK_LEN <= len(text) <= _MAX_LEN and not _is_logo(el):
            return text, el
    if refs:
        return refs[0], None
    return None, None
