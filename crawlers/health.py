"""Source records, crawl-run bookkeeping and collection-failure alerts.

A run is opened as ``running`` with the crawling process's ``host:pid``; it is closed with the health judge's
verdict (``crawlers.judge``). A run whose process died without closing it (``kill -9``, a crash, a lost machine)
is found by the next run of the source and recorded as ``interrupted``, which counts as a failure: the source's
health says so, and a streak of such failures raises the same collection-failure alert as any other.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crawlers.judge import HISTORY_RUNS, RunHistory, Verdict
from crawlers.sources import SourceConfig
from crawlers.state import advance_cursor, save_gaps
from storage.engine import session_scope
from storage.models.alerts import Alert
from storage.models.collection import CrawlRun, Post, Source

log = logging.getLogger(__name__)

INTERRUPTED_ERROR = "采集进程意外终止，本轮未完成（如被强制结束或机器重启）"
GOOD_STATUSES = ("ok", "incomplete")
STATUS_NAMES = {"ok": "正常", "incomplete": "未完成", "failed": "异常", "interrupted": "中断", "running": "运行中"}


@dataclass
class RunOutcome:
    source: str
    run_id: int
    status: str  # ok | incomplete | failed
    items_new: int
    items_updated: int
    items_dropped: int
    error: str | None
    alert_raised: bool = False
    summary: str | None = None


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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


def _process_gone(worker: str | None, started_at: datetime, now: datetime, stale_after: timedelta) -> bool:
    """Whether the process that opened a run is certainly gone: a dead pid on this host, or (for another host,
    whose processes we cannot see) a run older than ``stale_after``."""
    host, _, pid = (worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return True  # our own pid, reused: that older run is not ours
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, owned by someone else
    return started_at is not None and now - started_at > stale_after


def start_run(factory, source_id: int, now: datetime, *, stale_after: timedelta = timedelta(hours=1),
              failure_alert_after: int = 3) -> int:
    """Open a run; earlier runs of the source left ``running`` by a dead process are closed as interrupted."""
    with session_scope(factory) as session:
        source = session.get(Source, source_id)
        for run in session.execute(select(CrawlRun).where(CrawlRun.source_id == source_id,
                                                          CrawlRun.status == "running")).scalars():
            if not _process_gone(run.worker, run.started_at, now, stale_after):
                continue  # a peer still at work (distributed mode)
            log.warning("run %d of %s (%s) never finished: recorded as interrupted", run.id, source.name,
                        run.worker or "unknown process")
            run.status, run.finished_at, run.error = "interrupted", now, INTERRUPTED_ERROR
            run.problems = [{"code": "interrupted", "message": INTERRUPTED_ERROR, "fatal": True, "count": 1}]
            source.consecutive_failures = (source.consecutive_failures or 0) + 1
            source.last_error, source.last_error_at = INTERRUPTED_ERROR, now
            if source.consecutive_failures >= failure_alert_after:
                _raise_alert(session, source, run.id, now)
        run = CrawlRun(source_id=source_id, started_at=now, status="running", worker=this_worker(), problems=[])
        session.add(run)
        session.flush()
        return run.id


def run_history(factory, source_id: int) -> RunHistory:
    """List entries and pages of the source's last good runs (the baseline of the sharp-drop check)."""
    with session_scope(factory) as session:
        rows = session.execute(select(CrawlRun.list_entries, CrawlRun.list_pages).where(
            CrawlRun.source_id == source_id, CrawlRun.status.in_(GOOD_STATUSES), CrawlRun.list_pages > 0)
            .order_by(CrawlRun.id.desc()).limit(HISTORY_RUNS)).all()
    return RunHistory(tuple(r.list_entries for r in rows), tuple(r.list_pages for r in rows))


@dataclass
class RunCounts:
    items_new: int = 0
    items_updated: int = 0
    items_dropped: int = 0
    items_seen: int = 0
    list_pages: int = 0
    list_entries: int = 0


def finish_run(factory, source_id: int, run_id: int, *, verdict: Verdict, counts: RunCounts,
               max_published_at: datetime | None, walk_results: dict, now: datetime,
               failure_alert_after: int) -> RunOutcome:
    """Close the run, update the source's health; a good run advances the cursor and its gaps, a failed one
    leaves them as they were (so the next run fetches everything again), and a failure streak raises an alert."""
    alert_raised = False
    with session_scope(factory) as session:
        run = session.get(CrawlRun, run_id)
        source = session.get(Source, source_id)
        run.finished_at, run.status, run.error = now, verdict.status, verdict.error
        run.items_new, run.items_updated, run.items_dropped = counts.items_new, counts.items_updated, \
            counts.items_dropped
        run.items_seen, run.list_pages, run.list_entries = counts.items_seen, counts.list_pages, counts.list_entries
        run.problems = [p.to_json() for p in verdict.problems]
        source.last_run_items = counts.items_new + counts.items_updated
        if verdict.ok:
            source.last_ok_at = now
            source.consecutive_failures = 0
            overflow = save_gaps(session, source_id, walk_results)
            if overflow:
                run.problems = run.problems + [{"code": "gaps_dropped", "fatal": False, "count": len(overflow),
                                                "message": f"{len(overflow)} 个列表积压过深，最早的缺口已放弃"}]
            if max_published_at is not None and verdict.advances_cursor:
                advance_cursor(session, source_id, max_published_at)
        else:
            source.consecutive_failures = (source.consecutive_failures or 0) + 1
            source.last_error, source.last_error_at = verdict.error, now
            if source.consecutive_failures >= failure_alert_after:
                alert_raised = _raise_alert(session, source, run_id, now)
    return RunOutcome(source.name, run_id, verdict.status, counts.items_new, counts.items_updated,
                      counts.items_dropped, verdict.error, alert_raised, verdict.summary)


def _raise_alert(session, source: Source, run_id: int, now: datetime) -> bool:
    """One alert per failure streak: the dedup key names the streak's first failed run."""
    streak = session.execute(select(CrawlRun.id).where(CrawlRun.source_id == source.id,
                                                       CrawlRun.status != "running")
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
    """One row per source for ``zhengyu crawl --status``, with the last finished run's status and problems."""
    with session_scope(factory) as session:
        sources = session.execute(select(Source).order_by(Source.name)).scalars().all()
        rows = []
        for s in sources:
            last = session.execute(select(CrawlRun).where(CrawlRun.source_id == s.id, CrawlRun.status != "running")
                                   .order_by(CrawlRun.id.desc()).limit(1)).scalar_one_or_none()
            rows.append({
                "name": s.name, "family": s.family, "enabled": s.enabled, "last_ok_at": s.last_ok_at,
                "consecutive_failures": s.consecutive_failures or 0, "last_run_items": s.last_run_items or 0,
                "last_error": s.last_error, "last_status": last.status if last else None,
                "last_problems": list(last.problems or []) if last else [],
                "posts": session.execute(select(func.count(Post.id)).where(Post.source_id == s.id)).scalar_one(),
            })
        return rows
