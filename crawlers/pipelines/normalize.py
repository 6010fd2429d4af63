"""Normalise: the stored text form, the author's keyed hash, and the content hash."""

from __future__ import annotations

import hashlib

from crawlers.items import PostItem
from crawlers.textutil import inline_emoticons
from sentiment.normalize import normalize_text
from storage.privacy import author_hash_key, hash_author


def content_hash(title: str | None, text: str) -> str:
    return hashlib.sha256(f"{title or ''}\n{text}".encode("utf-8")).hexdigest()


class NormalizePipeline:
    """Fills ``text`` (normalised), ``author_hash`` and ``content_hash``; drops the raw author id."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    @classmethod
    def from_crawler(cls, crawler):
        return cls(author_hash_key(crawler.settings["ZHENGYU_CONTEXT"].settings))

    def process_item(self, item, spider=None):
        if not isinstance(item, PostItem):
            return item
        item.text = normalize_text(inline_emoticons(item.text_raw or ""))
        if item.title:
            item.title = normalize_text(item.title)
        item.author_hash = hash_author(self.key, item.platform, item.author_id)
        item.author_id = None
        item.content_hash = content_hash(item.title, item.text)
        return item
