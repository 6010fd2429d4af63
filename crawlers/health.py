"""Source records, crawl-run bookkeeping, cursors and collection-failure alerts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from crawlers.spiders.base import CrawlState
from crawlers.sources import SourceConfig
from storage.engine import session_scope
from storage.models.alerts import Alert
from storage.models.collection import CrawlRun, Post, Source, SourceCursor

log = logging.getLogger(__name__)

HIGH_WATER_KEY = "high_water"
ROOT_KINDS = ("post", "article", "message")


@dataclass
class RunOutcome:
    source: str
    run_id: int
    status: str  # ok | failed
    items_new: int
    items_updated: int
    items_dropped: int
    error: str | None
    alert_raised: bool = False


def ensure_source(factory, source: SourceConfig) -> int:
    """The Source row for a configuration (created or refreshed from the YAML).

    Two crawler processes may start the same new source at once (distributed mode); the loser of the insert
    race finds the winner's row on its second try.
    """
    config = source.model_dump(mode="json")
    try:
        return _upsert_source(factory, source, config)
    except IntegrityError:
        return _upsert_source(factory, source, config)


def _upsert_source(factory, source: SourceConfig, config: dict) -> int:
    with session_scope(factory) as session:
        row = session.execute(select(Source).where(Source.name == source.name)).scalar_one_or_none()
        if row is None:
            row = Source(name=source.name, family=source.family, config=config, interval_s=source.interval_s,
                         enabled=source.enabled, consecutive_failures=0, last_run_items=0)
            session.add(row)
            session.flush()
        else:
            row.family, row.config, row.interval_s, row.enabled = (source.family, config, source.interval_s,
                                                                   source.enabled)
        return row.id


def start_run(factory, source_id: int, now: datetime) -> int:
    with session_scope(factory) as session:
        run = CrawlRun(source_id=source_id, started_at=now, status="running")
        session.add(run)
        session.flush()
        return run.id


def load_state(factory, source_id: int, source: SourceConfig) -> CrawlState:
    """High-water mark plus stored comment counts of the threads inside the revisit window."""
    with session_scope(factory) as session:
        cursor = session.execute(select(SourceCursor.value).where(
            SourceCursor.source_id == source_id, SourceCursor.key == HIGH_WATER_KEY)).scalar_one_or_none()
        high_water = datetime.fromisoformat(cursor) if cursor else None
        root, child = aliased(Post), aliased(Post)
        stmt = (select(root.external_id, root.url, func.count(child.id))
                .outerjoin(child, child.root_id == root.id)
                .where(root.source_id == source_id, root.kind.in_(ROOT_KINDS))
                .group_by(root.external_id, root.url))
        status_stmt = select(root.external_id, root.url, root.extra).where(
            root.source_id == source_id, root.kind == "message")
        if high_water is not None:
            stmt = stmt.where(root.published_at >= high_water - timedelta(hours=source.revisit_hours))
            status_stmt = status_stmt.where(root.published_at >= high_water - timedelta(hours=source.revisit_hours))
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
                      reposts=reposts)


def finish_run(factory, source_id: int, run_id: int, *, ok: bool, error: str | None, items_new: int,
               items_updated: int, items_dropped: int, max_published_at: datetime | None, now: datetime,
               failure_alert_after: int) -> RunOutcome:
    """Close the run, update the source's health, advance the cursor on success, raise an alert on a streak."""
    alert_raised = False
    with session_scope(factory) as session:
        run = session.get(CrawlRun, run_id)
        source = session.get(Source, source_id)
        run.finished_at, run.status, run.error = now, "ok" if ok else "failed", error
        run.items_new, run.items_updated, run.items_dropped = items_new, items_updated, items_dropped
        source.last_run_items = items_new + items_updated
        if ok:
            source.last_ok_at = now
            source.consecutive_failures = 0
            if max_published_at is not None:
                _advance_cursor(session, source_id, max_published_at)
        else:
            source.consecutive_failures = (source.consecutive_failures or 0) + 1
            source.last_error, source.last_error_at = error, now
            if source.consecutive_failures >= failure_alert_after:
                alert_raised = _raise_alert(session, source, run_id, now)
    return RunOutcome(source.name, run_id, run.status, items_new, items_updated, items_dropped, error, alert_raised)


def _advance_cursor(session, source_id: int, moment: datetime) -> None:
    cursor = session.execute(select(SourceCursor).where(
        SourceCursor.source_id == source_id, SourceCursor.key == HIGH_WATER_KEY)).scalar_one_or_none()
    if cursor is None:
        session.add(SourceCursor(source_id=source_id, key=HIGH_WATER_KEY, value=moment.isoformat()))
    elif datetime.fromisoformat(cursor.value) < moment:
        cursor.value = moment.isoformat()


def _raise_alert(session, source: Source, run_id: int, now: datetime) -> bool:
    """One alert per failure streak: the dedup key names the streak's first failed run."""
    streak = session.execute(select(CrawlRun.id).where(CrawlRun.source_id == source.id)
                             .order_by(CrawlRun.id.desc()).limit(source.consecutive_failures)).scalars().all()
    first_failed = min(streak) if streak else run_id
    dedup_key = f"collection_failure:{source.name}:{first_failed}"
    if session.execute(select(Alert.id).where(Alert.dedup_key == dedup_key)).first():
        return False
    session.add(Alert(
        kind="collection_failure", source_id=source.id, level="orange", dedup_key=dedup_key,
        title=f"采集源「{source.name}」连续 {source.consecutive_failures} 次采集失败",
        body=f"最近错误：{source.last_error or '未知'}。请检查站点是否可访问、配置是否仍然有效。",
        status="pending", created_at=now,
        detail={"source": source.name, "consecutive_failures": source.consecutive_failures,
                "first_failed_run_id": first_failed, "last_run_id": run_id},
    ))
    log.warning("source %s failed %d runs in a row: collection-failure alert recorded", source.name,
                source.consecutive_failures)
    return True


def health_rows(factory) -> list[dict]:
    """One row per source for ``zhengyu crawl --status``."""
    with session_scope(factory) as session:
        sources = session.execute(select(Source).order_by(Source.name)).scalars().all()
        return [{
            "name": s.name, "family": s.family, "enabled": s.enabled, "last_ok_at": s.last_ok_at,
            "consecutive_failures": s.consecutive_failures or 0, "last_run_items": s.last_run_items or 0,
            "last_error": s.last_error,
            "posts": session.execute(select(func.count(Post.id)).where(Post.source_id == s.id)).scalar_one(),
        } for s in sources]
