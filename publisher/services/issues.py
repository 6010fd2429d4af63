"""Issue handling (处置) shared by alerts and the dashboard: new → acknowledged → responding (a release
answering it is linked) → responded (the answer is published) → closed, each step audited with who and when.

Detection closes an issue that has gone quiet on its own; handling may close one at any time. An issue that
is closed stays closed when an answer is linked or published later, but still records when it was answered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from publisher.states import ISSUE_STATUS_NAMES
from storage import audit
from storage.access import Actor, actor_by_username, require
from storage.models import Issue, Release, User
from zhengyu.clock import Clock, SystemClock
from zhengyu.errors import NotFound, ZhengyuError

ANSWER_PUBLISHED_ACTOR = "publisher"


class IssueStateError(ZhengyuError):
    """A handling step that does not fit the issue's state."""


def load_issue(session: Session, issue_id: int) -> Issue:
    issue = session.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"话题 #{issue_id} 不存在（用 zhengyu issues list 查看）")
    return issue


def _name(status: str) -> str:
    return ISSUE_STATUS_NAMES.get(status, status)


def _mark_acknowledged(issue: Issue, actor: Actor, clock: Clock | None) -> None:
    """Keep who saw the issue first and when (a step past 新发现 implies it was seen)."""
    if issue.acknowledged_at is None:
        issue.acknowledged_at = (clock or SystemClock()).now()
        issue.acknowledged_by = actor.user_id


def _transition(session: Session, actor_name: str, issue: Issue, to: str, action: str, **detail: Any) -> None:
    previous = issue.status
    issue.status = to
    audit.record(session, actor_name, action, "issue", issue.id, **{"from": previous, "to": to, **detail})


def acknowledge(session: Session, actor: Actor, issue_id: int, *, clock: Clock | None = None) -> Issue:
    """新发现 → 已确认: someone responsible has seen it."""
    require(session, actor, "issue.acknowledge", "issue", issue_id)
    issue = load_issue(session, issue_id)
    if issue.status != "new":
        raise IssueStateError(f"话题 #{issue.id} 当前为“{_name(issue.status)}”，只有“新发现”的话题需要确认")
    _mark_acknowledged(issue, actor, clock)
    _transition(session, actor.username, issue, "acknowledged", "issue.acknowledge")
    session.flush()
    return issue


def assign(session: Session, actor: Actor, issue_id: int, owner_username: str, *,
           clock: Clock | None = None) -> Issue:
    """Name who handles the issue; a new issue counts as acknowledged by the assignment."""
    require(session, actor, "issue.assign", "issue", issue_id)
    issue = load_issue(session, issue_id)
    if issue.status == "closed":
        raise IssueStateError(f"话题 #{issue.id} 已关闭，不能再指派")
    owner = actor_by_username(session, owner_username)
    previous_owner = session.get(User, issue.owner_id).username if issue.owner_id else None
    issue.owner_id = owner.user_id
    audit.record(session, actor.username, "issue.assign", "issue", issue.id, owner=owner.username,
                 previous_owner=previous_owner)
    if issue.status == "new":
        _mark_acknowledged(issue, actor, clock)
        _transition(session, actor.username, issue, "acknowledged", "issue.acknowledge", by_assignment=True)
    session.flush()
    return issue


def link_answer(session: Session, actor: Actor, issue_id: int, release: Release, *,
                clock: Clock | None = None) -> Issue:
    """A release answers the issue (回应): the issue is being responded to until the release is published."""
    require(session, actor, "issue.respond", "issue", issue_id)
    issue = load_issue(session, issue_id)
    release.answers_issue_id = issue.id
    if issue.status in ("new", "acknowledged"):
        _mark_acknowledged(issue, actor, clock)
        _transition(session, actor.username, issue, "responding", "issue.respond", release_id=release.id)
    else:
        audit.record(session, actor.username, "issue.link_answer", "issue", issue.id, release_id=release.id,
                     status=issue.status)
    session.flush()
    return issue


def respond(session: Session, actor: Actor, issue_id: int, release_id: int | None = None, *,
            clock: Clock | None = None) -> Issue:
    """Mark the issue as being responded to, optionally linking the release that answers it."""
    if release_id is not None:
        release = session.get(Release, release_id)
        if release is None:
            raise NotFound(f"稿件 #{release_id} 不存在（用 zhengyu release list 查看）")
        return link_answer(session, actor, issue_id, release, clock=clock)
    require(session, actor, "issue.respond", "issue", issue_id)
    issue = load_issue(session, issue_id)
    if issue.status not in ("new", "acknowledged"):
        raise IssueStateError(f"话题 #{issue.id} 当前为“{_name(issue.status)}”，不能再标记为处置中")
    _mark_acknowledged(issue, actor, clock)
    _transition(session, actor.username, issue, "responding", "issue.respond")
    session.flush()
    return issue


def record_answer_published(session: Session, release: Release, at: datetime) -> Issue | None:
    """Called when a release that answers an issue is first published on any account: the issue records
    ``responded_at`` (once; later accounts change nothing) and, unless closed, becomes 已回应."""
    if release.answers_issue_id is None:
        return None
    issue = session.get(Issue, release.answers_issue_id)
    if issue is None or issue.responded_at is not None:
        return issue
    issue.responded_at = at
    detail: dict[str, Any] = {"release_id": release.id, "responded_at": at.isoformat()}
    if issue.first_flagged_at is not None:
        detail["response_time_s"] = round((at - issue.first_flagged_at).total_seconds())
    if issue.status == "closed":
        audit.record(session, ANSWER_PUBLISHED_ACTOR, "issue.answer_published", "issue", issue.id, **detail)
    else:
        _transition(session, ANSWER_PUBLISHED_ACTOR, issue, "responded", "issue.answer_published", **detail)
    session.flush()
    return issue


def close(session: Session, actor: Actor, issue_id: int, reason: str | None = None, *,
          clock: Clock | None = None) -> Issue:
    require(session, actor, "issue.close", "issue", issue_id)
    issue = load_issue(session, issue_id)
    if issue.status == "closed":
        raise IssueStateError(f"话题 #{issue.id} 已经关闭")
    issue.closed_at = (clock or SystemClock()).now()
    _transition(session, actor.username, issue, "closed", "issue.close", reason=(reason or "").strip() or None)
    session.flush()
    return issue
