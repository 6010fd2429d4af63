"""Issues as plain dictionaries (for ``zhengyu issues export`` and evaluations)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.detect.effect import answer_effect, response_time_s
from storage.models import Issue, IssueLevelChange, IssueMember, Post, Release
from storage.privacy import redact_personal_data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_issues(session: Session, status: str | None = None, level_names: dict[str, str] | None = None,
                  now: datetime | None = None, effect_window: timedelta = timedelta(hours=24)
                  ) -> list[dict[str, Any]]:
    """Every issue (or those with ``status``), oldest flag first, with level history and member post ids.

    ``member_post_ids`` are the posts' external ids (for a replay: the stream's ``id`` field). Titles and
    keywords come from crawled text, so personal numbers in them are redacted like every export. Answered
    issues carry the response time (first flag → answer published) and, when ``now`` is given, the answer's
    effect (``sentiment.detect.effect``) over ``effect_window`` before and after.
    """
    names = level_names or {}
    query = select(Issue).order_by(Issue.first_flagged_at, Issue.id)
    if status == "open":
        query = query.where(Issue.status != "closed")
    elif status:
        query = query.where(Issue.status == status)
    issues = list(session.scalars(query))
    ids = [i.id for i in issues]
    history: dict[int, list[dict]] = {i: [] for i in ids}
    members: dict[int, list[str]] = {i: [] for i in ids}
    answers: dict[int, list[int]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for change in session.scalars(select(IssueLevelChange).where(IssueLevelChange.issue_id.in_(chunk))
                                      .order_by(IssueLevelChange.at, IssueLevelChange.id)):
            history[change.issue_id].append({
                "at": _iso(change.at), "from": change.from_level, "to": change.to_level,
                "to_name": names.get(change.to_level or "", None), "reason": change.reason,
                "rules_version": change.rules_version})
        for issue_id, external_id in session.execute(
                select(IssueMember.issue_id, Post.external_id).join(Post, Post.id == IssueMember.post_id)
                .where(IssueMember.issue_id.in_(chunk)).order_by(Post.published_at, Post.id)):
            members[issue_id].append(external_id)
        for issue_id, release_id in session.execute(select(Release.answers_issue_id, Release.id)
                                                    .where(Release.answers_issue_id.in_(chunk)).order_by(Release.id)):
            answers[issue_id].append(release_id)
    return [{
        "id": issue.id, "title": redact_personal_data(issue.title),
        "keywords": [redact_personal_data(k) for k in issue.keywords or []], "category": issue.category,
        "status": issue.status, "level": issue.level, "level_name": names.get(issue.level or "", None),
        "level_reason": issue.level_reason, "heat": issue.heat, "post_count": issue.post_count,
        "negative_share": round(issue.negative_share or 0.0, 4),
        "first_seen_at": _iso(issue.first_seen_at), "first_flagged_at": _iso(issue.first_flagged_at),
        "last_seen_at": _iso(issue.last_seen_at), "response_due_at": _iso(issue.response_due_at),
        "closed_at": _iso(issue.closed_at), "acknowledged_at": _iso(issue.acknowledged_at),
        "responded_at": _iso(issue.responded_at), "response_time_s": response_time_s(issue),
        "answer_release_ids": answers[issue.id],
        "answer_effect": _effect(session, issue, now, effect_window),
        "level_history": history[issue.id], "member_post_ids": members[issue.id],
    } for issue in issues]


def _effect(session: Session, issue: Issue, now: datetime | None, window: timedelta) -> dict[str, Any] | None:
    if now is None or issue.responded_at is None:
        return None
    effect = answer_effect(session, issue, now, window)
    return effect.to_dict() if effect else None
