"""The typed items spiders yield; pipelines normalise, validate, dedupe and store them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PostItem:
    """One post, comment, reply, article, message or official reply, as collected.

    ``author_id`` is the platform's raw id; the normalise pipeline replaces it by a keyed hash and it never
    reaches the store. ``external_id`` may be None for pages without ids: the item is then keyed by its
    content hash. Parents are referenced by external id; the store resolves them to row ids.
    """

    platform: str
    kind: str
    text_raw: str
    external_id: str | None = None
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    parent_external_id: str | None = None
    root_external_id: str | None = None
    author_id: str | None = None
    author_type: str = "unknown"
    region: str | None = None
    likes: int = 0
    reposts: int = 0
    comments_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Filled by the normalise pipeline:
    text: str = ""
    author_hash: str | None = None
    content_hash: str = ""


@dataclass
class DeletionItem:
    """A known item the source now reports as deleted; the store flags the row, it never removes it."""

    platform: str
    external_id: str
    reason: str = ""
