"""What a run starts from and leaves behind: the high-water mark, the gaps of stopped list walks, and the
per-thread counts the spiders compare against (read before the crawl; spiders never touch the database)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from crawlers.sources import SourceConfig
from crawlers.spiders.base import CrawlState
from crawlers.walks import GAPS_KEY_PREFIX, Gap, apply_walk_results, decode_gaps, encode_gaps
from storage.engine import session_scope
from storage.models.collection import Post, SourceCursor

log = logging.getLogger(__name__)

HIGH_WATER_KEY = "high_water"
ROOT_KINDS = ("post", "article", "message")


def _window_floor(high_water: datetime | None, gaps: dict[str, list[Gap]], revisit_hours: float) -> datetime | None:
    """How far back the stored threads are read: the revisit window below the high-water mark, widened to one
    revisit window below the oldest gap, so a resumed walk recognises what was stored before it."""
    if high_water is None:
        return None
    floor = high_water - timedelta(hours=revisit_hours)
    for gap in (g for list_gaps in gaps.values() for g in list_gaps):
        if gap.floor is None:
            return None
        floor = min(floor, gap.floor - timedelta(hours=revisit_hours))
    return floor


def load_gaps(session, source_id: int) -> dict[str, list[Gap]]:
    rows = session.execute(select(SourceCursor.key, SourceCursor.value).where(
        SourceCursor.source_id == source_id, SourceCursor.key.startswith(GAPS_KEY_PREFIX, autoescape=True))).all()
    return {key[len(GAPS_KEY_PREFIX):]: decode_gaps(value) for key, value in rows if decode_gaps(value)}


def load_state(factory, source_id: int, source: SourceConfig) -> CrawlState:
    """High-water mark, gaps, and stored comment counts of the threads inside the (widened) revisit window."""
    with session_scope(factory) as session:
        cursor = session.execute(select(SourceCursor.value).where(
            SourceCursor.source_id == source_id, SourceCursor.key == HIGH_WATER_KEY)).scalar_one_or_none()
        high_water = datetime.fromisoformat(cursor) if cursor else None
        gaps = load_gaps(session, source_id)
        window = _window_floor(high_water, gaps, source.revisit_hours)
        root, child = aliased(Post), aliased(Post)
        stmt = (select(root.external_id, root.url, func.count(child.id))
                .outerjoin(child, child.root_id == root.id)
                .where(root.source_id == source_id, root.kind.in_(ROOT_KINDS))
                .group_by(root.external_id, root.url))
        status_stmt = select(root.external_id, root.url, root.extra).where(
            root.source_id == source_id, root.kind == "message")
        if window is not None:
            stmt = stmt.where(root.published_at >= window)
            status_stmt = status_stmt.where(root.published_at >= window)
        children, known_urls = {}, {}
        for ext, url, count in session.execute(stmt):
            children[ext] = count
            if url:
                known_urls[url] = count
        repost_stmt = (select(root.external_id, func.count(child.id))
                       .join(child, child.parent_id == root.id)
                       .where(root.source_id == source_id, root.kind == "post", child.kind == "post")
                       .group_by(root.external_id))
        reposts = {ext: count for ext, count in session.execute(repost_stmt)}
        statuses = {}
        for ext, url, extra in session.execute(status_stmt):
            status = (extra or {}).get("status")
            if status:
                statuses[ext] = statuses[url or ext] = status
    return CrawlState(high_water=high_water, children=children, known_urls=known_urls, statuses=statuses,
                      reposts=reposts, gaps=gaps)


def advance_cursor(session, source_id: int, moment: datetime) -> None:
    cursor = session.execute(select(SourceCursor).where(
        SourceCursor.source_id == source_id, SourceCursor.key == HIGH_WATER_KEY)).scalar_one_or_none()
    if cursor is None:
        session.add(SourceCursor(source_id=source_id, key=HIGH_WATER_KEY, value=moment.isoformat()))
    elif datetime.fromisoformat(cursor.value) < moment:
        cursor.value = moment.isoformat()


def save_gaps(session, source_id: int, walk_results: dict) -> list[str]:
    """Apply a run's walk results to the stored gaps (read again here, so a peer's update is not lost).

    Returns the lists that had to drop their oldest gap."""
    if not walk_results:
        return []
    rows = {row.key[len(GAPS_KEY_PREFIX):]: row for row in session.execute(
        select(SourceCursor).where(SourceCursor.source_id == source_id,
                                   SourceCursor.key.startswith(GAPS_KEY_PREFIX, autoescape=True))
        .with_for_update()).scalars()}
    stored = {key: decode_gaps(row.value) for key, row in rows.items()}
    updated, overflow = apply_walk_results(stored, walk_results)
    for key, gaps in updated.items():
        row = rows.get(key)
        if not gaps:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(SourceCursor(source_id=source_id, key=GAPS_KEY_PREFIX + key, value=encode_gaps(gaps)))
        else:
            row.value = encode_gaps(gaps)
    for key in overflow:
        log.error("list %s has more than its share of gaps; the oldest is given up", key)
    return overflow
