"""Small text helpers the spiders share before the central normaliser runs."""

from __future__ import annotations

import re

# Weibo renders emoticons as <img alt=[怒] ...> inside a url-icon span; the alt text is the content.
_IMG_ALT = re.compile(r"""<img\b[^>]*?\balt=["']?(\[[^\]"'<>]{1,8}\])["']?[^>]*>""", re.IGNORECASE)


def inline_emoticons(markup: str) -> str:
    """Replace emoticon images by their ``[名]`` alt text so that stripping HTML keeps them."""
    return _IMG_ALT.sub(lambda m: m.group(1), markup or "")
