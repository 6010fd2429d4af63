"""Issues active in a period, graded as they stood at its end, each with its level history and volume."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from publisher.briefs.facts.overview import SentimentCounts, sentiment_counts
from publisher.briefs.facts.scope import Scope, post_time, within
from storage.models import Issue, IssueLevelChange, IssueMember, IssueSnapshot, Post


@dataclass(frozen=True)
class LevelStep:
    at: datetime
    from_level: str | None
    to_level: str | None
    reason: str


@dataclass(frozen=True)
class IssueFacts:
    id: int
    title: str
    category: str | None
    keywords: tuple[str, ...]
    status: str
    level: str | None  # at the end of the scope
    heat: float  # at the end of the scope (the last detection tick before it)
    first_seen_at: datetime
    first_flagged_at: datetime | None
    posts_in_scope: int
    posts_until_end: int
    sentiment: SentimentCounts  # of its posts in the scope
    steps: tuple[LevelStep, ...]  # every level change before the end of the scope, oldest first
    response_due_at: datetime | None
    responded_at: datetime | None

    def steps_within(self, scope: Scope) -> tuple[LevelStep, ...]:
        return tuple(s for s in self.steps if scope.start <= s.at < scope.end)


def _level_at_end(session: Session, issue: Issue, steps: tuple[LevelStep, ...], end: datetime) -> str | None:
    """The level after the last change before ``end``; else the level the first later change started from;
    with no change recorded at all, the issue's stored level."""
    if steps:
        return steps[-1].to_level
    later = session.execute(select(IssueLevelChange.from_level).where(IssueLevelChange.issue_id == issue.id)
                            .order_by(IssueLevelChange.at, IssueLevelChange.id).limit(1)).first()
    return later[0] if later else issue.level


def _member_counts(session: Session, issue_ids: list[int], scope: Scope, *, from_start: bool) -> dict[int, int]:
    moment = post_time()
    stmt = (select(IssueMember.issue_id, func.count()).join(Post, Post.id == IssueMember.post_id)
            .where(IssueMember.issue_id.in_(issue_ids), moment < scope.end).group_by(IssueMember.issue_id))
    if from_start:
        stmt = stmt.where(moment >= scope.start)
    return dict(session.execute(stmt).all())


def _heat_at_end(session: Session, issue: Issue, end: datetime) -> float:
    heat = session.scalar(select(IssueSnapshot.heat).where(IssueSnapshot.issue_id == issue.id, IssueSnapshot.at < end)
                          .order_by(IssueSnapshot.at.desc(), IssueSnapshot.id.desc()).limit(1))
    return float(heat if heat is not None else (issue.heat or 0.0))


def active_issue_ids(session: Session, scope: Scope) -> list[int]:
    """Issues with a member post or a level change in the scope (for an issue report: that issue)."""
    if scope.issue_id is not None:
        return [scope.issue_id] if session.get(Issue, scope.issue_id) is not None else []
    with_posts = within(select(IssueMember.issue_id).join(Post, Post.id == IssueMember.post_id), scope)
    with_changes = select(IssueLevelChange.issue_id).where(IssueLevelChange.at >= scope.start,
                                                           IssueLevelChange.at < scope.end)
    return list(session.scalars(select(Issue.id).where(or_(Issue.id.in_(with_posts), Issue.id.in_(with_changes)))
                                .order_by(Issue.id)))


def issue_facts(session: Session, scope: Scope) -> list[IssueFacts]:
    """Facts of every active issue, in id order (the brief orders them by level)."""
    ids = active_issue_ids(session, scope)
    if not ids:
        return []
    in_scope = _member_counts(session, ids, scope, from_start=True)
    until_end = _member_counts(session, ids, scope, from_start=False)
    steps: dict[int, list[LevelStep]] = {i: [] for i in ids}
    for change in session.scalars(select(IssueLevelChange).where(IssueLevelChange.issue_id.in_(ids),
                                                                 IssueLevelChange.at < scope.end)
                                  .order_by(IssueLevelChange.at, IssueLevelChange.id)):
        steps[change.issue_id].append(LevelStep(change.at, change.from_level, change.to_level, change.reason))
    facts = []
    for issue in session.scalars(select(Issue).where(Issue.id.in_(ids)).order_by(Issue.id)):
        history = tuple(steps[issue.id])
        facts.append(IssueFacts(
            id=issue.id, title=issue.title, category=issue.category, keywords=tuple(issue.keywords or ()),
            status=issue.status, level=_level_at_end(session, issue, history, scope.end),
            heat=_heat_at_end(session, issue, scope.end),
            first_seen_at=issue.first_seen_at, first_flagged_at=issue.first_flagged_at,
            posts_in_scope=in_scope.get(issue.id, 0), posts_until_end=until_end.get(issue.id, 0),
            sentiment=sentiment_counts(session, replace(scope, issue_id=issue.id)), steps=history,
            response_due_at=issue.response_due_at, responded_at=issue.responded_at))
    return facts
