"""Find the article body: the block of the page with the most prose and the fewest links.

Readability-style scoring, tuned for Chinese: every text block (a ``<p>``, or a ``<div>``/``<td>`` holding text
directly, as old CMS pages do with ``<br>``) earns points for its length and its sentence punctuation; the points go
to the element holding the block and half to the one above it. The best-scoring element, discounted by its share of
link text, is the body. Within it, lines that are mostly links (related-news lists, tag clouds) are dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict

from crawlers.extract.dom import BLOCK_TAGS, is_hidden, paragraphs, squeeze, tag_of

_PUNCT_RE = re.compile(r"[，。！？；：、,.!?;“”]")
_CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body", "blockquote", "center", "font", "dd"})
_INLINE_PARA_TAGS = frozenset({"p", "span", "font", "strong", "b", "em", "i", "li", "h2", "h3", "h4", "h5", "h6",
                               "pre", "blockquote", "figcaption", "u"})
_NEGATIVE_RE = re.compile(
    r"comment|footer|foot|nav|menu|sidebar|side|recommend|related|relate|share|banner|ad[-_]|advert|copyright|"
    r"breadcrumb|crumb|hot|rank|tags?\b|login|toolbar|pinglun|xgxw|tuijian", re.I)
_POSITIVE_RE = re.compile(r"article|content|main[-_]?text|post|story|text|body|detail|zhengwen|artibody|cont\b", re.I)
_MIN_BLOCK_CHARS = 8
_SIBLING_SHARE = 0.3
_SENTENCE_END_RE = re.compile(r"[。！？!?]")


def _own_text(el) -> str:
    """Text directly inside ``el`` and in its inline children (not in nested blocks)."""
    parts = [el.text or ""]
    for child in el:
        tag = tag_of(child)
        if tag and tag not in BLOCK_TAGS and tag != "a":
            parts.append("".join(child.itertext()))
        if child.tail:
            parts.append(child.tail)
    return squeeze("".join(parts))


def _link_chars(el) -> int:
    return sum(len(squeeze("".join(a.itertext()))) for a in el.iter("a"))


def _class_weight(el) -> float:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip():
        return 1.0
    weight = 1.0
    if _NEGATIVE_RE.search(names):
        weight *= 0.5
    if _POSITIVE_RE.search(names):
        weight *= 1.25
    return weight


def _block_score(text: str) -> float:
    return 1.0 + len(_PUNCT_RE.findall(text)) + min(len(text) / 40.0, 4.0)


def find_body(root, exclude=()) -> list:
    """The elements holding the article body in document order (usually one), empty for a page without prose."""
    body = root.find("body")
    if body is None:
        body = root
    excluded = set(exclude)
    scores: dict[object, float] = defaultdict(float)
    for el in body.iter():
        tag = tag_of(el)
        if not tag or el in excluded or is_hidden(el):
            continue
        if tag in _INLINE_PARA_TAGS:
            text = squeeze("".join(el.itertext())) if tag == "p" else _own_text(el)
            holder = el.getparent()
        elif tag in _CONTAINER_TAGS:
            text = _own_text(el)
            holder = el
        else:
            continue
        if holder is None or len(text) < _MIN_BLOCK_CHARS:
            continue
        points = _block_score(text)
        scores[holder] += points
        parent = holder.getparent()
        if parent is not None:
            scores[parent] += points / 2
            grand = parent.getparent()
            if grand is not None:
                scores[grand] += points / 8
    finals = {el: _final_score(el, score) for el, score in scores.items() if tag_of(el) != "html"}
    best = max(finals, key=finals.get, default=None)
    if best is None or finals[best] <= 0:
        return []
    parent = best.getparent()
    if parent is None:
        return [best]
    # Readability's sibling rule, strict form: an article split by an ad or picture box into several blocks of
    # the same kind keeps all of them; comment and sidebar blocks (negative class names) never join.
    return [sib for sib in parent if sib is best or (
        tag_of(sib) == tag_of(best) and finals.get(sib, 0.0) >= _SIBLING_SHARE * finals[best]
        and _class_weight(sib) >= 1.0 and _is_prose(sib))]


def _is_prose(el) -> bool:
    """Sentences, not a byline or a caption: several full stops in a reasonable amount of text."""
    text = "".join(el.itertext())
    return len(_SENTENCE_END_RE.findall(text)) >= 2 and len(text.strip()) >= 40


def _final_score(el, score: float) -> float:
    total = len(squeeze("".join(el.itertext()))) or 1
    link_density = min(_link_chars(el) / total, 1.0)
    return score * (1.0 - link_density) * _class_weight(el)


def _linky(el) -> bool:
    """A list or box that is mostly links (related news, tags, pagers)."""
    tag = tag_of(el)
    if tag not in {"ul", "ol", "div", "table", "dl", "section", "aside", "nav", "footer"}:
        return tag in {"nav", "aside", "footer"}
    text = squeeze("".join(el.itertext()))
    if not text:
        return False
    return _link_chars(el) / len(text) > 0.6 and len(_PUNCT_RE.findall(text)) < max(3, len(text) / 60)


# Closing credits and widgets that follow the prose: editor lines, "本文来源", (完), 【纠错】, share prompts.
_TRAILER_RE = re.compile(
    r"^[（(\[【]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|监制|本文来源|来源|稿源|纠错|完|END|分享到|扫一扫|打印|关闭)"
    r"(?:\s*[:：].{0,40}|\s*[）)\]】]?.{0,40})$", re.I)


def body_lines(nodes) -> tuple[list[str], list[str]]:
    """The body elements as ``(prose lines, trailing credit lines)``, leaving out link lists and link-only lines.

    The trailer holds the editor/source credits that follow the prose ("责任编辑：…", "本文来源：…", "（完）").
    """
    lines = [line for node in nodes for line in paragraphs(node, skip=_linky) if line]
    cut = len(lines)
    while cut > 1 and len(lines[cut - 1]) <= 60 and _TRAILER_RE.match(lines[cut - 1]):
        cut -= 1
    return lines[:cut], lines[cut:]
