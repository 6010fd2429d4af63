"""Briefs as a service: generate (and number) them, list them, hand out their files, queue their delivery.

A daily brief is one per day: generating it again replaces its files and keeps its number. An issue report
is a new numbered report each time (the issue moves on). Numbers run per kind and per year, 第 N 期.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.briefs import render as rendering
from publisher.briefs.content import BriefContent
from publisher.briefs.facts.scope import day_scope
from storage import audit
from storage.access import Actor, require
from storage.models import Brief, BriefFile, Issue
from zhengyu.clock import Clock, SystemClock
from zhengyu.errors import NotFound, ZhengyuError
from zhengyu.settings import Settings

log = logging.getLogger(__name__)

KIND_NAMES = {"daily": "舆情日报", "issue": "舆情专报"}
NUMBER_ATTEMPTS = 3


@dataclass(frozen=True)
class BriefInfo:
    """A stored brief as listings show it (no file bytes)."""

    id: int
    kind: str
    kind_name: str
    year: int
    number: int
    title: str
    issue_id: int | None
    period_start: datetime
    period_end: datetime
    empty: bool
    summary: str
    figures: dict[str, Any]
    generated_at: datetime
    generated_by: str
    formats: tuple[str, ...]

    @property
    def number_text(self) -> str:
        return f"{self.year}年第{self.number}期"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "kind_name": self.kind_name, "year": self.year,
                "number": self.number, "number_text": self.number_text, "title": self.title,
                "issue_id": self.issue_id, "period_start": self.period_start.isoformat(),
                "period_end": self.period_end.isoformat(), "empty": self.empty, "summary": self.summary,
                "figures": self.figures, "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by, "formats": list(self.formats)}


@dataclass(frozen=True)
class BriefFileData:
    brief_id: int
    format: str
    filename: str
    content_type: str
    data: bytes


def _info(session: Session, brief: Brief) -> BriefInfo:
    formats = tuple(session.scalars(select(BriefFile.format).where(BriefFile.brief_id == brief.id)
                                    .order_by(BriefFile.format)))
    return BriefInfo(id=brief.id, kind=brief.kind, kind_name=KIND_NAMES.get(brief.kind, brief.kind), year=brief.year,
                     number=brief.number, title=brief.title, issue_id=brief.issue_id, period_start=brief.period_start,
                     period_end=brief.period_end, empty=brief.empty, summary=brief.summary,
                     figures=dict(brief.figures or {}), generated_at=brief.generated_at,
                     generated_by=brief.generated_by, formats=formats)


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in rendering.FORMATS]
    if unknown or not chosen:
        raise ZhengyuError(f"简报格式应为 {'、'.join(rendering.FORMATS)} 之一，实际为 {'、'.join(unknown) or '（无）'}")
    return chosen


def yesterday(settings: Settings, clock: Clock) -> date:
    """The day a daily brief made now covers: the previous calendar day in the configured time zone."""
    return (clock.now().astimezone(ZoneInfo(settings.timezone)) - timedelta(days=1)).date()


def _next_number(session: Session, kind: str, year: int) -> int:
    return (session.scalar(select(func.max(Brief.number)).where(Brief.kind == kind, Brief.year == year)) or 0) + 1


def _store(session: Session, row: Brief, content: BriefContent, files: dict[str, bytes], actor: Actor,
           moment: datetime) -> None:
    row.title = f"{content.title} {content.number_text} {content.subject}"
    row.empty = content.empty_message is not None
    row.summary = content.summary
    row.figures = content.headline
    row.generated_at = moment
    row.generated_by = actor.username
    session.flush()
    existing = {f.format: f for f in session.scalars(select(BriefFile).where(BriefFile.brief_id == row.id))}
    for fmt, data in files.items():
        stored = existing.get(fmt) or BriefFile(brief_id=row.id, format=fmt)
        stored.filename = rendering.filename(content, fmt)
        stored.content_type = rendering.FORMATS[fmt].content_type
        stored.sha256 = hashlib.sha256(data).hexdigest()
        stored.size = len(data)
        stored.data = data
        stored.created_at = moment
        session.add(stored)
    session.flush()


def _generate(session: Session, actor: Actor, kind: str, year: int, existing: Brief | None, make_row,
              build, formats: tuple[str, ...], moment: datetime) -> BriefInfo:
    """Number, build, render and store one brief; a number taken meanwhile by another process is retried."""
    for attempt in range(NUMBER_ATTEMPTS):
        number = existing.number if existing else _next_number(session, kind, year)
        content = build(number)
        files = {fmt: rendering.render(content, fmt) for fmt in formats}
        savepoint = session.begin_nested()
        try:
            row = existing or make_row(number)
            session.add(row)
            _store(session, row, content, files, actor, moment)
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
            if existing or attempt == NUMBER_ATTEMPTS - 1:
                raise ZhengyuError(f"{KIND_NAMES[kind]}编号 {year}年第{number}期 已被占用，请重试") from None
            log.info("brief number %s/%s taken concurrently; renumbering", year, number)
            continue
        audit.record(session, actor.username, "brief.generate", "brief", row.id, kind=kind, year=year,
                     number=number, formats=list(formats), empty=row.empty)
        session.flush()
        return _info(session, row)
    raise AssertionError("unreachable")


def generate_daily(session: Session, actor: Actor, settings: Settings, day: date | None = None,
                   formats: Iterable[str] = tuple(rendering.FORMATS), clock: Clock | None = None) -> BriefInfo:
    """Make (or remake) the daily brief of ``day`` (default: yesterday, local time) in ``formats``."""
    from publisher.briefs.daily import build_daily

    require(session, actor, "brief.generate", "brief")
    clock = clock or SystemClock()
    chosen = _check_formats(formats)
    day = day or yesterday(settings, clock)
    scope = day_scope(day, ZoneInfo(settings.timezone))
    moment = clock.now()
    existing = session.scalar(select(Brief).where(Brief.kind == "daily", Brief.period_start == scope.start))

    def make_row(number: int) -> Brief:
        return Brief(kind="daily", year=day.year, number=number, period_start=scope.start, period_end=scope.end)

    return _generate(session, actor, "daily", day.year, existing, make_row,
                     lambda number: build_daily(session, settings, day, year=day.year, number=number,
                                                generated_at=moment), chosen, moment)


def generate_issue_report(session: Session, actor: Actor, settings: Settings, issue_id: int,
                          formats: Iterable[str] = tuple(rendering.FORMATS), clock: Clock | None = None) -> BriefInfo:
    """Make a new numbered 舆情专报 on issue ``issue_id``, covering it up to now."""
    from publisher.briefs.special import build_issue_report, issue_scope

    require(session, actor, "brief.generate", "issue", issue_id)
    clock = clock or SystemClock()
    chosen = _check_formats(formats)
    issue = session.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"舆情事件 #{issue_id} 不存在")
    moment = clock.now()
    tz = ZoneInfo(settings.timezone)
    year = moment.astimezone(tz).year
    scope = issue_scope(session, issue, moment, tz)

    def make_row(number: int) -> Brief:
        return Brief(kind="issue", year=year, number=number, issue_id=issue_id, period_start=scope.start,
                     period_end=scope.end)

    return _generate(session, actor, "issue", year, None, make_row,
                     lambda number: build_issue_report(session, settings, issue_id, year=year, number=number,
                                                       generated_at=moment), chosen, moment)


def list_briefs(session: Session, actor: Actor, kind: str | None = None, limit: int = 50) -> list[BriefInfo]:
    """Newest first, by when they were (last) generated."""
    require(session, actor, "brief.view", "brief")
    query = select(Brief).order_by(Brief.generated_at.desc(), Brief.id.desc()).limit(limit)
    if kind:
        query = query.where(Brief.kind == kind)
    return [_info(session, row) for row in session.scalars(query)]


def get_brief(session: Session, actor: Actor, brief_id: int) -> BriefInfo:
    require(session, actor, "brief.view", "brief", brief_id)
    row = session.get(Brief, brief_id)
    if row is None:
        raise NotFound(f"简报 #{brief_id} 不存在")
    return _info(session, row)


def brief_file(session: Session, actor: Actor, brief_id: int, fmt: str) -> BriefFileData:
    """The stored file of one format (what the dashboard previews or offers for download); audited."""
    require(session, actor, "brief.view", "brief", brief_id)
    if session.get(Brief, brief_id) is None:
        raise NotFound(f"简报 #{brief_id} 不存在")
    stored = session.scalar(select(BriefFile).where(BriefFile.brief_id == brief_id, BriefFile.format == fmt))
    if stored is None:
        raise NotFound(f"简报 #{brief_id} 没有 {fmt} 格式的文件（可重新生成）")
    audit.record(session, actor.username, "brief.download", "brief", brief_id, format=fmt)
    session.flush()
    return BriefFileData(brief_id, fmt, stored.filename, stored.content_type, stored.data)
