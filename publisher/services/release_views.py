"""Releases as plain dictionaries: what ``release show/list --json`` prints and the dashboard reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.states import DECISION_NAMES, RELEASE_STATUS_NAMES, STAGE_NAMES, TARGET_STATUS_NAMES
from storage.models import Account, Release, ReleaseTarget, ReviewRecord, User


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def target_rows(session: Session, release: Release) -> list[dict[str, Any]]:
    rows = session.execute(select(ReleaseTarget, Account).join(Account, Account.id == ReleaseTarget.account_id)
                           .where(ReleaseTarget.release_id == release.id).order_by(Account.name))
    return [{
        "account": account.name, "account_id": account.id, "status": target.status,
        "status_name": TARGET_STATUS_NAMES.get(target.status, target.status), "publish_id": target.publish_id,
        "article_url": target.article_url, "scheduled_at": _iso(target.scheduled_at),
        "published_at": _iso(target.published_at), "errcode": target.errcode, "errmsg": target.errmsg,
    } for target, account in rows]


def review_rows(session: Session, release: Release) -> list[dict[str, Any]]:
    rows = session.execute(select(ReviewRecord, User).join(User, User.id == ReviewRecord.reviewer_id)
                           .where(ReviewRecord.release_id == release.id)
                           .order_by(ReviewRecord.round, ReviewRecord.at, ReviewRecord.id))
    return [{
        "round": record.round, "current": record.round == release.review_round, "stage": record.stage,
        "stage_name": STAGE_NAMES.get(record.stage, record.stage), "reviewer": user.username,
        "reviewer_name": user.display_name, "decision": record.decision,
        "decision_name": DECISION_NAMES.get(record.decision, record.decision), "comment": record.comment,
        "content_hash": record.content_hash, "at": _iso(record.at),
    } for record, user in rows]


def release_view(session: Session, release: Release, with_reviews: bool = True) -> dict[str, Any]:
    creator = session.get(User, release.created_by) if release.created_by is not None else None
    view = {
        "id": release.id, "title": release.title, "author": release.author_name, "digest": release.digest,
        "status": release.status, "status_name": RELEASE_STATUS_NAMES.get(release.status, release.status),
        "theme": release.theme, "content_source_url": release.content_source_url,
        "content_hash": release.content_hash, "review_round": release.review_round,
        "created_by": creator.username if creator else None,
        "created_by_name": creator.display_name if creator else None, "answers_issue_id": release.answers_issue_id,
        "created_at": _iso(release.created_at), "updated_at": _iso(release.updated_at),
        "scheduled_at": _iso(release.scheduled_at), "published_at": _iso(release.published_at),
        "targets": target_rows(session, release),
        "warning_overrides": list(release.warning_overrides or []),
    }
    if with_reviews:
        view["reviews"] = review_rows(session, release)
    return view
