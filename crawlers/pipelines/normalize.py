"""Normalise: the stored text form, redaction of personal numbers, the author's keyed hash, the content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from crawlers.items import PostItem
from crawlers.textutil import inline_emoticons
from sentiment.normalize import normalize_text
from storage.privacy import author_hash_key, hash_author, redact_personal_data


def content_hash(title: str | None, text: str) -> str:
    return hashlib.sha256(f"{title or ''}\n{text}".encode("utf-8")).hexdigest()


class NormalizePipeline:
    """Fills ``text`` (normalised), ``author_hash`` and ``content_hash``; drops the raw author id.

    Items of the kinds in ``privacy.redact_kinds`` (message-board complaints by default) lose their mobile,
    ID-card and bank-card numbers here, in the raw markup as well as in the text, so no copy reaches the store;
    the content hash is taken after redaction, so an unchanged complaint stays unchanged.
    """

    def __init__(self, key: bytes, redact_kinds: Iterable[str] = ()) -> None:
        self.key = key
        self.redact_kinds = frozenset(redact_kinds)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings["ZHENGYU_CONTEXT"].settings
        return cls(author_hash_key(settings), settings.privacy.redact_kinds)

    def process_item(self, item, spider=None):
        if not isinstance(item, PostItem):
            return item
        if item.kind in self.redact_kinds:
            item.text_raw = redact_personal_data(item.text_raw or "")
            item.title = redact_personal_data(item.title)
        item.text = normalize_text(inline_emoticons(item.text_raw or ""))
        if item.title:
            item.title = normalize_text(item.title)
        if item.kind in self.redact_kinds:
            # Normalisation can join digits the markup kept apart (tags, entities, full-width forms).
            item.text = redact_personal_data(item.text)
            item.title = redact_personal_data(item.title)
        item.author_hash = hash_author(self.key, item.platform, item.author_id)
        item.author_id = None
        item.content_hash = content_hash(item.title, item.text)
        return item
