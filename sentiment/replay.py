"""Replaying a time-stamped stream through the production path with a simulated clock.

Input: JSON lines with ``id, text, published_at, platform, author, parent_id, likes, reposts, comments``
(``title`` and ``author_type`` optional). Posts are released into the store in stream order; every
``tick_minutes`` of stream time the clock is moved and one detection tick runs, exactly as the scheduler
would. With ``speed`` the replay sleeps so that stream time runs ``speed`` times faster than wall time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sentiment.normalize import normalize_text
from sentiment.worker import analyze_all_pending
from storage import privacy as storage_privacy
from storage.engine import session_scope
from storage.models import Post
from storage.models.collection import AUTHOR_TYPES
from storage.threads import would_close_cycle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamPost:
    id: str
    text: str
    published_at: datetime
    platform: str
    author: str | None
    parent_id: str | None
    likes: int
    reposts: int
    comments: int
    title: str | None = None
    author_type: str = "unknown"


@dataclass
class ReplaySummary:
    read: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    stored: int = 0
    skipped_existing: int = 0
    ticks: int = 0
    issues_created: int = 0
    alerts: int = 0
    stream_start: datetime | None = None
    stream_end: datetime | None = None
    wall_seconds: float = 0.0


class StreamError(ValueError):
    """One bad input line; the message says what is wrong (Chinese)."""


def _int(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise StreamError(f"{name} 应为整数，实际为 {value!r}") from exc
    if number < 0:
        raise StreamError(f"{name} 不能为负数")
    return number


def parse_time(value: Any, tz: ZoneInfo) -> datetime:
    """ISO 8601 or a Unix timestamp; a time without offset is read in ``tz``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), timezone.utc)
    if not isinstance(value, str) or not value.strip():
        raise StreamError("缺少 published_at（发布时间）")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise StreamError(f"published_at 不是 ISO 8601 时间：{value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(timezone.utc)


def parse_record(data: Any, tz: ZoneInfo) -> StreamPost:
    if not isinstance(data, dict):
        raise StreamError("每行应为一个 JSON 对象")
    post_id = data.get("id")
    if post_id in (None, "") or isinstance(post_id, (dict, list, bool)):
        raise StreamError("缺少 id")
    text = data.get("text")
    if not isinstance(text, str):
        raise StreamError("text 应为字符串")
    author_type = str(data.get("author_type") or "unknown")
    if author_type not in AUTHOR_TYPES:
        raise StreamError(f"author_type 应为 {'、'.join(AUTHOR_TYPES)} 之一")
    parent = data.get("parent_id")
    return StreamPost(
        id=str(post_id)[:200], text=text, published_at=parse_time(data.get("published_at"), tz),
        platform=str(data.get("platform") or "replay")[:40],
        author=None if data.get("author") in (None, "") else str(data.get("author")),
        parent_id=None if parent in (None, "") else str(parent)[:200],
        likes=_int(data.get("likes"), "likes"), reposts=_int(data.get("reposts"), "reposts"),
        comments=_int(data.get("comments"), "comments"),
        title=data.get("title") if isinstance(data.get("title"), str) else None, author_type=author_type,
    )


def read_stream(path: Path, tz: ZoneInfo, summary: ReplaySummary) -> list[StreamPost]:
    """All good records sorted by time; bad lines are recorded in ``summary.bad_lines`` with their number."""
    posts = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
            if not line:
                continue
            summary.read += 1
            try:
                posts.append(parse_record(json.loads(line), tz))
            except json.JSONDecodeError as exc:
                summary.bad_lines.append((number, f"不是合法的 JSON（第 {exc.colno} 列）"))
            except RecursionError:
                summary.bad_lines.append((number, "JSON 嵌套层数过多"))
            except StreamError as exc:
                summary.bad_lines.append((number, str(exc)))
    for number, reason in summary.bad_lines[:20]:
        log.warning("replay input line %d skipped: %s", number, reason)
    posts.sort(key=lambda p: (p.published_at, p.id))
    return posts


def store_posts(session: Session, batch: list[StreamPost], now: datetime, hash_author) -> list[Post]:
    """Insert the batch as ``Post`` rows (skipping ids already stored for that platform); returns new rows."""
    existing: set[tuple[str, str]] = set()
    for platform in {p.platform for p in batch}:
        ids = [p.id for p in batch if p.platform == platform]
        for start in range(0, len(ids), 500):
            existing.update(tuple(row) for row in session.execute(select(Post.platform, Post.external_id).where(
                Post.platform == platform, Post.external_id.in_(ids[start:start + 500]))))
    rows = []
    for item in batch:
        key = (item.platform, item.id)
        if key in existing:
            continue
        existing.add(key)
        rows.append(Post(
            platform=item.platform, external_id=item.id, kind="comment" if item.parent_id else "post",
            parent_external_id=item.parent_id, author_hash=hash_author(item.platform, item.author), author_type=item.author_type,
            title=item.title, text_raw=item.text, text=normalize_text(item.text), published_at=item.published_at,
            fetched_at=now, likes=item.likes, reposts=item.reposts, comments_count=item.comments,
            content_hash=hashlib.sha256(item.text.encode("utf-8")).hexdigest()))
    session.add_all(rows)
    session.flush()
    parents = {(r.platform, r.parent_external_id) for r in rows if r.parent_external_id}
    if parents:
        lookup = {}
        for platform, external_id in parents:
            found = session.scalar(select(Post.id).where(Post.platform == platform, Post.external_id == external_id))
            if found is not None:
                lookup[(platform, external_id)] = found
        linked: dict[int, int] = {}
        for row in rows:
            parent = lookup.get((row.platform, row.parent_external_id))
            if parent is not None and not would_close_cycle(session, row.id, parent, linked):
                linked[row.id] = parent
                row.parent_id = parent
                row.root_id = parent
    return rows


def _ticks(start: datetime, end: datetime, step: timedelta) -> Iterator[datetime]:
    moment = start
    while moment <= end:
        yield moment
        moment += step


def replay(posts: list[StreamPost], session_factory: sessionmaker, pipeline, clock, *,
           author_key: bytes, tick_minutes: int = 10, speed: float | None = None,
           summary: ReplaySummary | None = None, sleep: Callable[[float], None] = time.sleep,
           monotonic: Callable[[], float] = time.monotonic, on_tick: Callable[[Any], None] | None = None
           ) -> ReplaySummary:
    """Feed the stream through ``pipeline`` (a DetectionPipeline) in stream time, ticking every ``tick_minutes``.

    ``clock`` is a FrozenClock moved to each tick; it is the only time the pipeline sees. Ticks continue one
    detection window past the last post so the final issues are graded.
    """
    summary = summary or ReplaySummary()
    hash_author = functools.partial(storage_privacy.hash_author, author_key)
    started = monotonic()
    if not posts:
        return summary
    step = timedelta(minutes=tick_minutes)
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    first = posts[0].published_at
    start = epoch + ((first - epoch) // step) * step + step
    end = posts[-1].published_at + timedelta(minutes=pipeline.rules.detection.window_minutes) + step
    summary.stream_start, summary.stream_end = first, posts[-1].published_at
    index = 0
    for moment in _ticks(start, end, step):
        batch = []
        while index < len(posts) and posts[index].published_at <= moment:
            batch.append(posts[index])
            index += 1
        clock.set(moment)
        now = clock.now()
        with session_scope(session_factory) as session:
            rows = store_posts(session, batch, now, hash_author)
            new_ids = [row.id for row in rows]
        summary.stored += len(new_ids)
        summary.skipped_existing += len(batch) - len(new_ids)
        if new_ids:  # the analysis worker, exactly as `zhengyu analyze` runs it
            analyze_all_pending(session_factory, pipeline.analyzer, now=clock.now)
        with session_scope(session_factory) as session:
            fresh = []
            for start_at in range(0, len(new_ids), 500):
                fresh += session.scalars(select(Post).where(Post.id.in_(new_ids[start_at:start_at + 500]))).all()
            pipeline.process(session, fresh, now)
            report = pipeline.tick(session, now)
        summary.ticks += 1
        summary.issues_created += len(report.created)
        summary.alerts += report.alerts
        if on_tick is not None:
            on_tick(report)
        if speed:
            due = started + (moment - start).total_seconds() / speed
            delay = due - monotonic()
            if delay > 0:
                sleep(delay)
    summary.wall_seconds = monotonic() - started
    return summary
