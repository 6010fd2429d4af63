"""What a brief covers: a half-open span of time, optionally narrowed to the member posts of one issue."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from storage.models import IssueMember, Post

COMMENT_KINDS = ("comment", "reply", "official_reply")


@dataclass(frozen=True)
class Scope:
    """``[start, end)`` in UTC; ``tz`` is where days and hours are cut; ``issue_id`` limits posts to one issue."""

    start: datetime
    end: datetime
    tz: ZoneInfo
    issue_id: int | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a brief's scope needs timezone-aware times")
        if self.end <= self.start:
            raise ValueError("a brief's scope must end after it starts")

    def previous(self) -> Scope:
        """The period of the same length just before this one (what the change is measured against)."""
        length = self.end - self.start
        return replace(self, start=self.start - length, end=self.start)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)


def day_scope(day: date, tz: ZoneInfo) -> Scope:
    """One calendar day in ``tz``, from local midnight to the next (23 or 25 hours across a DST change)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return Scope(start.astimezone(timezone.utc), end.astimezone(timezone.utc), tz)


def post_time():
    """When a post happened: its publish time, else when it was fetched (the dashboard counts the same way)."""
    return func.coalesce(Post.published_at, Post.fetched_at)


def within(stmt: Select, scope: Scope) -> Select:
    """``stmt`` (which selects from ``posts``) limited to the scope's posts."""
    moment = post_time()
    stmt = stmt.where(moment >= scope.start, moment < scope.end)
    if scope.issue_id is not None:
        stmt = stmt.where(Post.id.in_(select(IssueMember.post_id).where(IssueMember.issue_id == scope.issue_id)))
    return stmt
