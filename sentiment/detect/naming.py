"""Readable Chinese titles and keyword lists for issues."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from sentiment.detect.signals import PostInfo, is_synthetic

_BRACKET = re.compile(r"【([^【】]{4,60})】")
_NOISE = re.compile(r"\{%[^{}]{0,60}%\}|https?://\S+|@[\w\-]{1,30}|\[[^\[\]]{1,8}\]|#|\s+")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_REPOST = re.compile(r"^(?:转发(?:微博)?|转|repost|RT)\s*[:：]?\s*|//@.*$", re.IGNORECASE)
MAX_TITLE = 30


def _trim(text: str) -> str:
    text = text.strip(" ，,：:、-—")
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 1] + "…"


def headline(text: str) -> str:
    """A headline from a post: its 【bracketed】 lead if it has one, else its first sentence."""
    bracket = _BRACKET.search(text or "")
    if bracket:
        return _trim(_NOISE.sub("", bracket.group(1)))
    clean = _NOISE.sub("", _REPOST.sub("", (text or "").strip()))
    first = _SENTENCE_END.split(clean, 1)[0]
    return _trim(first or clean)


def issue_title(terms: Sequence[str], posts: Iterable[PostInfo]) -> str:
    """Title an issue: a bursting hashtag reads best; else the headline of the most representative post."""
    for term in terms:
        if term.startswith("#") and term.endswith("#") and len(term) > 3:
            return _trim(term.strip("#"))
    wanted = set(terms)
    best, best_key = None, None
    for post in posts:
        repost = bool(_REPOST.match(post.head or ""))
        key = (-len(wanted & post.terms), repost, -min(len(post.head), 80), post.at, post.id)
        if best_key is None or key < best_key:
            best, best_key = post, key
    if best is not None:
        line = headline(best.head)
        if len(line) >= 4:
            return line
    words = [t for t in terms if not is_synthetic(t)]
    return "、".join(words[:3]) + "相关舆情" if words else "新出现的舆情话题"


def issue_keywords(terms: Sequence[str], keyword_counts: dict[str, int], limit: int = 8) -> list[str]:
    """The bursting terms first, then the members' most frequent keywords; cluster/plan markers left out."""
    result: list[str] = []
    for term in list(terms) + [k for k, _ in Counter(keyword_counts).most_common()]:
        if not is_synthetic(term) and term not in result:
            result.append(term)
        if len(result) >= limit:
            break
    return result
