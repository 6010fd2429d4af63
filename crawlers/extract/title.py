"""Find the headline.

The ``<title>`` usually carries the headline plus a site suffix ("…_网易新闻", "…-新华网", "…|香港_新浪新闻"),
sometimes a keyword list too, while the visible headline sits in an ``<h1>`` — except when the first ``<h1>`` is the
site's logo or name, is empty, or the page has none and uses ``<h2>``/``<h3>``/a ``div.title``. So every visible
headline-like element is a candidate and is scored by how well it agrees with ``<title>`` and ``og:title``; with no
agreeing candidate, a substantial first-level heading that is not the site's name, else the ``<title>`` minus its
site suffix and keyword lists, is the answer.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from crawlers.extract.dom import BLOCK_TAGS, is_hidden, node_text, squeeze, tag_of

_SUFFIX_SPLIT_RE = re.compile(r"\s*(?:\s[-–—|·]\s|\s{2,}|[_|｜]|——|--|－|-(?=[^-]{2,20}$))\s*")
_TITLEISH_RE = re.compile(r"title|headline|biaoti|(?<![a-z])tit(?![a-z])|(?<=[a-z])tit(?![a-z])|(?<![a-z])bt(?![a-z])", re.I)
# A heading inside an element with one of these class or id tokens belongs to the page's frame (logo bar,
# navigation), not to the article.
_FRAME_TOKENS = frozenset({"header", "topbar", "top-bar", "logo", "nav", "navbar", "banner", "masthead",
                           "sitename", "site-name", "site_name", "site-logo", "site-header", "site-top"})
_KEYWORD_SPLIT_RE = re.compile(r"[,，、;；|/]+")
_MAX_KEYWORD_LEN = 8
_FRAME_NAME_LEN = 12  # a heading this short inside the page's frame is a site or channel name
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


def is_keyword_list(text: str) -> bool:
    """Several short words in a list ("扫黑除恶,政法,平安建设"): tags or keywords, not a headline."""
    words = [w.strip() for w in _KEYWORD_SPLIT_RE.split(text.strip()) if w.strip()]
    return len(words) >= 3 and all(len(w) <= _MAX_KEYWORD_LEN for w in words) and not re.search(r"[。！？：:]", text)


def strip_site_suffix(title: str) -> str:
    """The headline part of a ``<title>``: its longest segment when split at site-name separators.

    Segments that are keyword lists are left out first.
    """
    parts = [p for p in _SUFFIX_SPLIT_RE.split(title) if p and p.strip()]
    if len(parts) > 1:
        parts = [p for p in parts if not is_keyword_list(p)] or parts
    if len(parts) <= 1:
        return (parts[0] if parts else title).strip()
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


def _in_frame(el) -> bool:
    """Inside the page's header, logo bar or navigation (by tag, class or id of the element or an ancestor).

    An HTML5 ``<header>`` inside ``<article>`` or ``<main>`` is the article's own header, not the frame.
    """
    node = el
    for _ in range(6):
        if node is None:
            return False
        tag = tag_of(node)
        if tag in {"article", "main"}:
            return False
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        if tag == "nav" or _FRAME_TOKENS.intersection(tokens):
            return True
        if tag == "header" and not any(tag_of(up) in {"article", "main"} for up in node.iterancestors()):
            return True
        node = node.getparent()
    return False


def _site_name_candidates(root) -> set[str]:
    names = set()
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in {"og:site_name", "application-name", "apple-mobile-web-app-title", "sitename", "site_name"}:
            value = squeeze(meta.get("content") or "")
            if value:
                names.add(value)
    full = page_title(root) or ""
    parts = [p.strip() for p in _SUFFIX_SPLIT_RE.split(full) if p and p.strip()]
    if len(parts) > 1:
        headline = strip_site_suffix(full)
        names.update(p for p in parts if p != headline and not is_keyword_list(p))
    body = root.find("body")
    for el in body.iter("img", "h1", "h2") if body is not None else ():
        if el.tag == "img":
            marks = f"{el.get('src') or ''} {el.get('class') or ''} {el.get('id') or ''}".lower()
            text = squeeze(el.get("alt") or "") if "logo" in marks else ""
        else:
            text = node_text(el) if _in_frame(el) else ""
        if 2 <= len(text) <= _FRAME_NAME_LEN:
            names.add(text)
    return names


def _is_site_name(text: str, site: set[str]) -> bool:
    return any(text == name or (len(text) <= 12 and text in name) for name in site)


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
    site = _site_name_candidates(root)
    for order, el, kind in _candidates(root, refs[0] if refs else None):
        text = _heading_text(el)
        if not (_MIN_LEN <= len(text) <= _MAX_LEN) or _is_logo(el) or is_keyword_list(text):
            continue
        if _is_site_name(text, site) or (_in_frame(el) and len(text) <= _FRAME_NAME_LEN):
            continue  # the site's or channel's name, even when <title> is only that name
        sim = _similarity(text, refs) if refs else 0.0
        bonus = {"h1": 0.15, "h2": 0.05, "h3": 0.0, "titleish": 0.05, "exact": 0.05}[kind]
        score = sim + bonus - min(order, 5000) / 100000
        if sim >= 0.6 and score > best_score:
            best, best_score = (text, el), score
    if best is not None:
        return best
    # Nothing visible agrees with <title>: either <title> is only the site's name, or the page shows another
    # wording. A substantial first-level heading is then the better guess; otherwise <title> minus its suffix.
    fallbacks = [(kind, text, el) for _order, el, kind in _candidates(root) if kind in {"h1", "h2", "h3"}
                 for text in [_heading_text(el)]
                 if _MIN_FALLBACK_LEN <= len(text) <= _MAX_LEN and not _is_logo(el) and not _in_frame(el)
                 and not _is_site_name(text, site) and not is_keyword_list(text)]
    title_is_site = bool(refs) and _is_site_name(refs[0], site)
    for wanted in ("h1", "h2", "h3"):
        for kind, text, el in fallbacks:
            if kind == wanted and (wanted == "h1" or not refs or title_is_site):
                return text, el
    if refs and not title_is_site:
        return refs[0], None
    return None, None
