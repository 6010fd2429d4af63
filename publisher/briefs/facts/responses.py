"""What has been answered by releases (权威发布), how fast, with what effect, and what still awaits an answer.

A release answers an issue through ``Release.answers_issue_id``. The response time runs from the issue's
first flag to the release's publication, as issue handling counts it (``sentiment.detect.effect``); the
answer's effect is that module's comparison of equal windows before and after the issue was answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import Scope
from sentiment.detect.effect import AnswerEffect, answer_effect
from storage.models import Issue, Release, ReleaseTarget

PUBLISHED = ("published", "partly_published")


@dataclass(frozen=True)
class Response:
    release_id: int
    release_title: str
    issue_id: int
    issue_title: str
    published_at: datetime
    flagged_at: datetime | None  # None: the issue was never flagged, so no response time is counted
    due_at: datetime | None
    article_url: str | None
    effect: AnswerEffect | None  # of the issue's (first) published answer, up to the scope's end

    @property
    def response_time(self) -> timedelta | None:
        return None if self.flagged_at is None else self.published_at - self.flagged_at

    @property
    def on_time(self) -> bool | None:
        return None if self.due_at is None else self.published_at <= self.due_at


@dataclass(frozen=True)
class Awaiting:
    issue_id: int
    title: str
    due_at: datetime

    def overdue_at(self, moment: datetime) -> bool:
        return self.due_at < moment


def _article_url(session: Session, release_id: int) -> str | None:
    return session.scalar(select(ReleaseTarget.article_url).where(
        ReleaseTarget.release_id == release_id, ReleaseTarget.status == "published",
        ReleaseTarget.article_url.is_not(None)).order_by(ReleaseTarget.published_at, ReleaseTarget.id).limit(1))


def responses(session: Session, scope: Scope, effect_window: timedelta) -> list[Response]:
    """Releases answering an issue published in the scope (for an issue report: that issue's, up to its end)."""
    stmt = (select(Release, Issue).join(Issue, Issue.id == Release.answers_issue_id)
            .where(Release.status.in_(PUBLISHED), Release.published_at.is_not(None),
                   Release.published_at < scope.end)
            .order_by(Release.published_at, Release.id))
    if scope.issue_id is not None:
        stmt = stmt.where(Issue.id == scope.issue_id)
    else:
        stmt = stmt.where(Release.published_at >= scope.start)
    found = []
    for release, issue in session.execute(stmt).all():
        effect = answer_effect(session, issue, scope.end, effect_window) if issue.responded_at else None
        found.append(Response(release_id=release.id, release_title=release.title, issue_id=issue.id,
                              issue_title=issue.title, published_at=release.published_at,
                              flagged_at=issue.first_flagged_at, due_at=issue.response_due_at,
                              article_url=_article_url(session, release.id), effect=effect))
    return found


def awaiting_response(session: Session, scope: Scope, issue_ids: list[int]) -> list[Awaiting]:
    """Of ``issue_ids``, those with a response deadline and no answer published before the scope's end."""
    if not issue_ids:
        return []
    answered = select(Release.answers_issue_id).where(
        Release.status.in_(PUBLISHED), Release.published_at < scope.end, Release.answers_issue_id.is_not(None))
    stmt = (select(Issue).where(Issue.id.in_(issue_ids), Issue.response_due_at.is_not(None),
                                Issue.id.not_in(answered))
            .where((Issue.responded_at.is_(None)) | (Issue.responded_at >= scope.end))
            .where((Issue.closed_at.is_(None)) | (Issue.closed_at >= scope.end))
            .order_by(Issue.response_due_at, Issue.id))
    return [Awaiting(issue.id, issue.title, issue.response_due_at) for issue in session.scalars(stmt)]
