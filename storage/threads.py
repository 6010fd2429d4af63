"""Thread links between posts (``parent_id``): walks up a thread that are bounded and safe against cycles.

Platforms send broken threads (a repost API can name a post as its own parent, or two posts as each other's);
every writer of ``parent_id`` asks :func:`would_close_cycle` first, so the stored links never form a cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models.collection import Post

log = logging.getLogger(__name__)

# Reply chains are a few levels deep; a walk up the parent links longer than this is treated as broken data.
MAX_THREAD_DEPTH = 10_000


def would_close_cycle(session: Session, child_id: int, parent_id: int,
                      pending: Mapping[int, int | None] | None = None) -> bool:
    """Whether linking ``child_id`` under ``parent_id`` would make a post its own ancestor.

    Walks up from ``parent_id`` through the stored links, preferring ``pending`` (links decided but not written
    yet). A walk that meets an older cycle, or goes deeper than ``MAX_THREAD_DEPTH``, also answers True: such a
    thread is broken, and linking into it only makes it worse.
    """
    pending = pending or {}
    current: int | None = parent_id
    seen: set[int] = set()
    while current is not None:
        if current == child_id or current in seen:
            return True
        if len(seen) >= MAX_THREAD_DEPTH:
            log.warning("thread deeper than %d levels above post %d", MAX_THREAD_DEPTH, child_id)
            return True
        seen.add(current)
        current = pending[current] if current in pending else session.scalar(
            select(Post.parent_id).where(Post.id == current))
    return False
