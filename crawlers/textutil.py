"""Small text helpers the spiders share before the central normaliser runs."""

from __future__ import annotations

import re

# Weibo renders emoticons as <img alt=[怒] ...> inside a url-icon span; the alt text is the content.
_IMG_ALT = re.compile(r"""<img\b[^>]*?\balt=["']?(\[[^\]"'<>]{1,8}\])["']?[^>]*>""", re.IGNORECASE)


def inline_emoticons(markup: str) -> str:
    """Replace emoticon images by their ``[名]`` alt text so that stripping HTML keeps them."""
    return _IMG_ALT.sub(lambda m: m.group(1), markup or "")


_SHOWN_NUMBER = re.compile(r"^\s*(\d{1,15}(?:\.\d{1,6})?)\s*(万|亿)?\+?\s*$")
# Counts go into 32-bit INTEGER columns (PostgreSQL); a site's absurd figure must not fail the whole batch.
MAX_STORED_COUNT = 2**31 - 1


def shown_number(value) -> int:
    """A number as a platform shows it: 42, "42", "3.5万", "100万+" (rounded big numbers); 0 for anything else.

    Never negative and never raises, whatever type or size the answer carries (cursors such as Weibo's
    ``max_id`` are read with it too, so it is not capped)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return max(0, value)
    m = _SHOWN_NUMBER.match(str(value or "")[:40])
    if not m:
        return 0
    return int(float(m.group(1)) * {"万": 10_000, "亿": 100_000_000}.get(m.group(2), 1))


def shown_count(value) -> int:
    """:func:`shown_number` capped to what a count column holds."""
    return min(shown_number(value), MAX_STORED_COUNT)
