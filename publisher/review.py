"""三审三校: the review state machine and its rules.

draft → first_review (初审) → second_review (复审) → final_review (终审) → approved; publishing (pub-wechat)
takes it on from there: scheduled → publishing → published / partly_published / failed / cancelled.

- Each stage is signed by a different user holding the reviewer role, and never by the release's author
  (whoever created or edited it).
- Every signature stores the content hash of what the reviewer saw. Publishing is refused unless all three
  signatures of the current round carry the hash of the release as it is now: the approved text is the text
  that is published.
- A rejection returns the release to draft with the reviewer's comment. An edit of a release in review,
  approved or scheduled starts a new round at 初审 and takes it off the schedule.

Access checks and the audit log are the service layer's (``publisher.services.releases``); this module holds
the rules, so that the CLI, the dashboard and the publishing jobs apply the same ones.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.states import RELEASE_STATUS_NAMES, STAGE_NAMES, STAGE_STATUS
from storage.models import AuditLog, Release, ReleaseTarget, ReviewRecord, User
from storage.models.publishing import REVIEW_STAGES, ReleaseAsset
from zhengyu.errors import ZhengyuError

STATUS_STAGE = {status: stage for stage, status in STAGE_STATUS.items()}
IN_REVIEW = frozenset(STAGE_STATUS.values())
# Statuses in which the text may still change (an edit sends it back to 初审, or leaves a draft a draft).
EDITABLE = frozenset({"draft", *IN_REVIEW, "approved", "scheduled"})
PUBLISHABLE = frozenset({"approved", "scheduled", "publishing"})
AUTHOR_ACTIONS = ("release.create", "release.edit")


class ReviewError(ZhengyuError):
    """A review step that the rules refuse (wrong state, the author, the same reviewer twice …)."""


class NotPublishable(ZhengyuError):
    """The release lacks a complete, current 三审 signature set."""


def status_name(status: str) -> str:
    return RELEASE_STATUS_NAMES.get(status, status)


def content_hash(session: Session, release: Release) -> str:
    """SHA-256 over everything that is published: title, author, digest, Markdown, theme, 阅读原文 link,
    the cover's and the body images' sha256, and the sorted target account ids."""
    assets = session.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id)).all()
    covers = sorted(asset.sha256 for asset in assets if asset.role == "cover")
    accounts = sorted(session.scalars(select(ReleaseTarget.account_id)
                                      .where(ReleaseTarget.release_id == release.id)))
    payload = {
        "title": release.title or "", "author": release.author_name or "", "digest": release.digest or "",
        "markdown": release.markdown or "", "theme": release.theme or "",
        "content_source_url": release.content_source_url or "",
        "cover": covers[0] if covers else None,
        "images": sorted([asset.ref, asset.sha256] for asset in assets if asset.role == "image"),
        "accounts": accounts,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def round_records(session: Session, release: Release) -> list[ReviewRecord]:
    """The signatures of the current review round, in order."""
    return list(session.scalars(select(ReviewRecord).where(ReviewRecord.release_id == release.id,
                                                           ReviewRecord.round == release.review_round)
                                .order_by(ReviewRecord.at, ReviewRecord.id)))


def authors(session: Session, release: Release) -> set[str]:
    """Usernames of everyone who wrote this release: its creator and every editor since (from the audit log)."""
    names = set(session.scalars(select(AuditLog.actor).where(
        AuditLog.object_type == "release", AuditLog.object_id == str(release.id),
        AuditLog.action.in_(AUTHOR_ACTIONS))))
    if release.created_by is not None:
        creator = session.get(User, release.created_by)
        if creator is not None:
            names.add(creator.username)
    return names


def start_round(session: Session, release: Release) -> None:
    """Send the release to 初审 in a fresh round (its earlier signatures stop counting)."""
    if round_records(session, release):
        release.review_round = (release.review_round or 1) + 1
    release.status = STAGE_STATUS["first"]


def take_off_schedule(session: Session, release: Release) -> list[int]:
    """Every target back to ``pending`` without a time slot; returns the ids of those that were scheduled.

    Only releases up to ``scheduled`` are editable, so no target has started publishing; the publishing jobs
    re-check ``assert_publishable`` before each external step in any case."""
    changed = []
    for target in session.scalars(select(ReleaseTarget).where(ReleaseTarget.release_id == release.id)):
        if target.status != "pending" or target.scheduled_at is not None:
            changed.append(target.id)
        target.status, target.scheduled_at, target.content_hash = "pending", None, None
    release.scheduled_at = None
    return changed


def refuse_unless_editable(release: Release) -> None:
    if release.status not in EDITABLE:
        raise ReviewError(f"稿件 #{release.id} 已进入发布流程（{status_name(release.status)}），不能再修改或审核；"
                          "如需更正，请新建一篇稿件并重新送审")


def sign(session: Session, release: Release, reviewer: User, decision: str, comment: str | None,
         at: datetime) -> ReviewRecord:
    """Sign the stage the release waits for. Approve moves it on; reject returns it to draft."""
    if decision not in ("approve", "reject"):
        raise ValueError(f"unknown decision {decision!r}")
    refuse_unless_editable(release)
    stage = STATUS_STAGE.get(release.status)
    if stage is None:
        hint = "（请先用 zhengyu release submit 送审）" if release.status == "draft" else ""
        raise ReviewError(f"稿件 #{release.id} 当前为“{status_name(release.status)}”，不在审核中{hint}")
    if reviewer.username in authors(session, release):
        raise ReviewError(f"{reviewer.username} 是稿件 #{release.id} 的作者或修改人，不能审核自己的稿件，请由其他审核人签署")
    for record in round_records(session, release):
        if record.reviewer_id == reviewer.id:
            raise ReviewError(f"{reviewer.username} 已签署本稿件的{STAGE_NAMES[record.stage]}，同一审核人不能签署两个环节，"
                              f"{STAGE_NAMES[stage]}请由另一位审核人签署")
    if decision == "reject" and not (comment or "").strip():
        raise ReviewError("退回稿件时请写明退回意见（--comment），以便作者修改")
    record = ReviewRecord(release_id=release.id, stage=stage, reviewer_id=reviewer.id, decision=decision,
                          comment=(comment or "").strip() or None, content_hash=content_hash(session, release),
                          round=release.review_round, at=at)
    session.add(record)
    if decision == "reject":
        release.status = "draft"
    else:
        position = REVIEW_STAGES.index(stage)
        release.status = ("approved" if position + 1 == len(REVIEW_STAGES)
                          else STAGE_STATUS[REVIEW_STAGES[position + 1]])
    session.flush()
    return record


def assert_publishable(session: Session, release: Release) -> None:
    """Raise NotPublishable unless the release may go out now.

    It must be approved (or scheduled/publishing), with all three stages of the current round signed
    "approve" by three distinct users who hold the reviewer role and did not write it, and every signature's
    content hash equal to the release's hash now."""
    if release.status not in PUBLISHABLE:
        raise NotPublishable(f"稿件 #{release.id} 当前为“{status_name(release.status)}”，未通过三审，不能发布")
    current = content_hash(session, release)
    signed: dict[str, ReviewRecord] = {}
    for record in round_records(session, release):
        if record.decision == "approve":
            signed.setdefault(record.stage, record)
    missing = [STAGE_NAMES[stage] for stage in REVIEW_STAGES if stage not in signed]
    if missing:
        raise NotPublishable(f"稿件 #{release.id} 缺少{'、'.join(missing)}签署，不能发布；请完成三审")
    reviewers = {record.reviewer_id for record in signed.values()}
    if len(reviewers) != len(REVIEW_STAGES):
        raise NotPublishable(f"稿件 #{release.id} 的三审须由三位不同的审核人签署，不能发布")
    writers = authors(session, release)
    for record in signed.values():
        user = session.get(User, record.reviewer_id)
        if user is None or not user.active or "reviewer" not in (user.roles or ()):
            raise NotPublishable(f"稿件 #{release.id} 的{STAGE_NAMES[record.stage]}签署人已不具备审核权限，请重新送审")
        if user.username in writers:
            raise NotPublishable(f"稿件 #{release.id} 的{STAGE_NAMES[record.stage]}由作者本人签署，不能发布；请重新送审")
        if record.content_hash != current:
            raise NotPublishable(f"稿件 #{release.id} 在{STAGE_NAMES[record.stage]}签署后内容已改变（内容指纹不一致），"
                                 "不能发布；请重新送审")
