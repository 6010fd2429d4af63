"""Releases (权威发布) from the editor's Markdown to an approved text: create, edit, check, submit, review,
override a warning, preview, the review sheet, get and list.

Rules live here and in ``publisher.review`` (the state machine), never in the CLI or the dashboard.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher import review
from publisher.checks import CheckReport, Lexicons, check_release
from publisher.render.article import wechat_html
from publisher.render.images import ImageSource, LoadedImage
from publisher.render.markdown import leading_title
from publisher.render.source import collect_images
from publisher.render.themes import theme_by_name
from publisher.services.release_views import release_view, target_rows
from storage import audit
from storage.access import Actor, require
from storage.models import Account, Release, ReleaseTarget, User
from storage.models.publishing import ReleaseAsset
from zhengyu.clock import Clock, SystemClock
from zhengyu.errors import NotFound, ZhengyuError

log = logging.getLogger(__name__)


class ReleaseError(ZhengyuError):
    """A release operation refused with a reason the editor can act on."""


@dataclass
class ReleaseInput:
    """What an editor hands in to create or edit a release. ``None`` in an edit keeps the current value."""

    markdown: str | None = None
    title: str | None = None
    author: str | None = None
    digest: str | None = None
    theme: str | None = None
    content_source_url: str | None = None
    accounts: Sequence[str] | None = None
    cover: LoadedImage | None = None
    images: ImageSource | None = None  # reads each body image by the path written in the Markdown


@dataclass
class Outcome:
    """The release after a create/edit/submit/review, and the checks it was judged by."""

    release: dict[str, Any]
    report: CheckReport | None = None
    changed: bool = True
    messages: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.release["id"]

    def to_dict(self) -> dict[str, Any]:
        return {**self.release, "changed": self.changed, "messages": self.messages,
                "checks": self.report.to_dict() if self.report else None}


def load_release(session: Session, release_id: int) -> Release:
    release = session.get(Release, release_id)
    if release is None:
        raise NotFound(f"稿件 #{release_id} 不存在（用 zhengyu release list 查看已有稿件）")
    return release


def _accounts(session: Session, names: Sequence[str]) -> list[Account]:
    if not names:
        raise ReleaseError("请至少指定一个发布的公众号（--account 名称）")
    accounts = []
    for name in dict.fromkeys(n.strip() for n in names):
        account = session.scalar(select(Account).where(Account.name == name))
        if account is None:
            raise NotFound(f"公众号 {name} 不存在（用 zhengyu account list 查看，或 zhengyu account add 添加）")
        if not account.enabled:
            raise ReleaseError(f"公众号 {name} 已停用，不能作为发布对象")
        accounts.append(account)
    return accounts


def _set_targets(session: Session, release: Release, accounts: list[Account]) -> None:
    wanted = {account.id for account in accounts}
    for target in session.scalars(select(ReleaseTarget).where(ReleaseTarget.release_id == release.id)):
        if target.account_id not in wanted:
            session.delete(target)
        wanted.discard(target.account_id)
    for account_id in sorted(wanted):
        session.add(ReleaseTarget(release_id=release.id, account_id=account_id, status="pending"))
    session.flush()


def _stored_images(session: Session, release: Release) -> dict[str, LoadedImage]:
    assets = session.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id,
                                                        ReleaseAsset.role == "image"))
    return {a.ref: LoadedImage(a.ref, a.filename, a.content_type, a.data) for a in assets}


def _replace_assets(session: Session, release: Release, role: str, images: list[LoadedImage]) -> None:
    for asset in session.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id,
                                                            ReleaseAsset.role == role)):
        session.delete(asset)
    session.flush()
    for image in images:
        session.add(ReleaseAsset(release_id=release.id, role=role, ref=image.ref, filename=image.filename,
                                 content_type=image.content_type, sha256=image.sha256, size=image.size,
                                 data=image.data))
    session.flush()


def _refresh_rendering(session: Session, release: Release) -> None:
    """Store the hash of what would be published now and the body with images as asset references."""
    release.content_hash = review.content_hash(session, release)
    release.html = wechat_html(session, release, lambda asset: f"zhengyu-asset:{asset.sha256}")


def _title_of(data: ReleaseInput, markdown: str, current: str | None) -> str:
    title = (data.title or "").strip() or leading_title(markdown) or (current or "").strip()
    if not title:
        raise ReleaseError("缺少标题：请用 --title 指定，或在正文第一行写一级标题（# 标题）")
    return title


def _try_submit(session: Session, actor: Actor, release: Release, report: CheckReport,
                outcome_messages: list[str]) -> None:
    if report.blocking:
        release.status = "draft"
        outcome_messages.append(f"有 {len(report.blocking)} 项必须修改的问题，稿件保留为草稿；修改后用 zhengyu release edit 重新提交")
        return
    previous = release.status
    review.start_round(session, release)
    audit.record(session, actor.username, "release.submit", "release", release.id, **{
        "from": previous, "to": release.status, "round": release.review_round, "content_hash": release.content_hash})
    outcome_messages.append("已提交初审")


def create(session: Session, actor: Actor, data: ReleaseInput, *, lexicons: Lexicons, default_theme: str = "blue",
           answers_issue_id: int | None = None, submit: bool = True, clock: Clock | None = None) -> Outcome:
    """A new release from Markdown, its images and cover stored; submitted to 初审 unless a check blocks."""
    require(session, actor, "release.create", "release")
    now = (clock or SystemClock()).now()
    markdown = data.markdown or ""
    if not markdown.strip():
        raise ReleaseError("正文为空：请提供有内容的 Markdown 文件")
    accounts = _accounts(session, data.accounts or ())
    theme = theme_by_name(data.theme or default_theme)
    images = collect_images(markdown, data.images)
    release = Release(title=_title_of(data, markdown, None), author_name=(data.author or "").strip() or None,
                      digest=(data.digest or "").strip() or None, markdown=markdown, theme=theme.code,
                      content_source_url=(data.content_source_url or "").strip() or None,
                      cover_path=data.cover.ref if data.cover else None, status="draft", created_by=actor.user_id,
                      warning_overrides=[], review_round=1, created_at=now, updated_at=now)
    session.add(release)
    session.flush()
    _set_targets(session, release, accounts)
    _replace_assets(session, release, "image", images)
    _replace_assets(session, release, "cover", [data.cover] if data.cover else [])
    _refresh_rendering(session, release)
    audit.record(session, actor.username, "release.create", "release", release.id, title=release.title,
                 accounts=[a.name for a in accounts], content_hash=release.content_hash)
    if answers_issue_id is not None:
        from publisher.services.issues import link_answer

        link_answer(session, actor, answers_issue_id, release, clock=clock)
    report = check_release(session, release, lexicons)
    messages: list[str] = []
    if submit:
        _try_submit(session, actor, release, report, messages)
    session.flush()
    return Outcome(release_view(session, release), report, messages=messages)


def edit(session: Session, actor: Actor, release_id: int, data: ReleaseInput, *, lexicons: Lexicons,
         submit: bool = True, clock: Clock | None = None) -> Outcome:
    """Change a release's text, title, cover, theme or accounts. A changed release in review, approved or
    scheduled starts again at 初审 (and leaves the schedule); an unchanged one keeps its signatures."""
    require(session, actor, "release.edit", "release", release_id)
    now = (clock or SystemClock()).now()
    release = load_release(session, release_id)
    review.refuse_unless_editable(release)
    before_hash, before_status = review.content_hash(session, release), release.status
    if data.markdown is not None:
        if not data.markdown.strip():
            raise ReleaseError("正文为空：请提供有内容的 Markdown 文件")
        images = collect_images(data.markdown, data.images, _stored_images(session, release))
        release.markdown = data.markdown
        _replace_assets(session, release, "image", images)
    release.title = _title_of(data, release.markdown if data.markdown is not None else "", release.title)
    for name, column in (("author", "author_name"), ("digest", "digest"), ("content_source_url", "content_source_url")):
        value = getattr(data, name)
        if value is not None:
            setattr(release, column, value.strip() or None)
    if data.theme is not None:
        release.theme = theme_by_name(data.theme).code
    if data.cover is not None:
        release.cover_path = data.cover.ref
        _replace_assets(session, release, "cover", [data.cover])
    if data.accounts is not None:
        _set_targets(session, release, _accounts(session, data.accounts))
    _refresh_rendering(session, release)
    report = check_release(session, release, lexicons)
    if release.content_hash == before_hash:
        return Outcome(release_view(session, release), report, changed=False, messages=["内容没有变化，审核状态不变"])
    release.updated_at = now
    unscheduled = review.take_off_schedule(session, release) if before_status in ("approved", "scheduled") else []
    messages: list[str] = []
    if unscheduled or before_status == "scheduled":
        messages.append("已撤销原定的发布排期，请在三审通过后重新排期")
    release.status = "draft"
    audit.record(session, actor.username, "release.edit", "release", release.id, **{
        "from": before_status, "to": "draft", "old_hash": before_hash, "new_hash": release.content_hash,
        "unscheduled_targets": unscheduled})
    if submit:
        _try_submit(session, actor, release, report, messages)
    session.flush()
    return Outcome(release_view(session, release), report, messages=messages)


def check(session: Session, actor: Actor, release_id: int, *, lexicons: Lexicons) -> CheckReport:
    require(session, actor, "release.view", "release", release_id)
    return check_release(session, load_release(session, release_id), lexicons)


def submit(session: Session, actor: Actor, release_id: int, *, lexicons: Lexicons) -> Outcome:
    """Send a draft to 初审 (a new round); refused while a check blocks."""
    require(session, actor, "release.submit", "release", release_id)
    release = load_release(session, release_id)
    review.refuse_unless_editable(release)
    if release.status != "draft":
        raise ReleaseError(f"稿件 #{release.id} 当前为“{review.status_name(release.status)}”，已在审核流程中")
    report = check_release(session, release, lexicons)
    if report.blocking:
        raise ReleaseError(f"稿件 #{release.id} 有 {len(report.blocking)} 项必须修改的问题（{_first(report)}），"
                           "请修改后再送审（zhengyu release check 查看全部）")
    messages: list[str] = []
    _try_submit(session, actor, release, report, messages)
    session.flush()
    return Outcome(release_view(session, release), report, messages=messages)


def _first(report: CheckReport) -> str:
    finding = report.blocking[0]
    return f"{finding.where}：{finding.message}"


def review_release(session: Session, actor: Actor, release_id: int, decision: str, comment: str | None = None, *,
                   lexicons: Lexicons, clock: Clock | None = None) -> Outcome:
    """Sign the stage the release waits for (初审, 复审, 终审 in order) with approve or reject."""
    require(session, actor, "release.review", "release", release_id)
    now = (clock or SystemClock()).now()
    release = load_release(session, release_id)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise ReleaseError("审核须由具名的审核人签署：请用 --by 用户名")
    report = check_release(session, release, lexicons)
    if decision == "approve" and release.status in review.IN_REVIEW:
        if report.blocking:
            raise ReleaseError(f"稿件 #{release.id} 有 {len(report.blocking)} 项必须修改的问题（{_first(report)}），"
                               "不能通过，请退回作者修改")
        if release.status == "final_review" and report.open_warnings:
            keys = "、".join(dict.fromkeys(f.key for f in report.open_warnings))
            raise ReleaseError(f"稿件 #{release.id} 尚有 {len(report.open_warnings)} 项提醒未处理（{keys}）：终审前请修改正文，"
                               "或用 zhengyu release override 记录保留的理由")
    previous = release.status
    record = review.sign(session, release, user, decision, comment, now)
    audit.record(session, actor.username, "release.review", "release", release.id, **{
        "stage": record.stage, "decision": decision, "comment": record.comment, "from": previous,
        "to": release.status, "round": record.round, "content_hash": record.content_hash})
    session.flush()
    return Outcome(release_view(session, release), report)


def override_warning(session: Session, actor: Actor, release_id: int, key: str, reason: str, *,
                     lexicons: Lexicons, clock: Clock | None = None) -> Outcome:
    """Record why a warning (规范表述) stays as written; blocking findings cannot be overridden."""
    require(session, actor, "release.override_warning", "release", release_id)
    release = load_release(session, release_id)
    review.refuse_unless_editable(release)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ReleaseError("请写明保留该表述的理由（--reason），理由会记入审核记录")
    report = check_release(session, release, lexicons)
    if any(finding.key == key for finding in report.blocking):
        raise ReleaseError(f"“{key}”是必须修改的问题，不能忽略，请修改稿件")
    matching = [finding for finding in report.warnings if finding.key == key]
    if not matching:
        known = "、".join(dict.fromkeys(f.key for f in report.warnings)) or "无"
        raise NotFound(f"稿件 #{release.id} 没有提醒 {key}（当前提醒：{known}）")
    entry = {"key": key, "code": matching[0].code, "match": matching[0].match,
             "suggestion": matching[0].suggestion, "reason": reason, "by": actor.username,
             "at": (clock or SystemClock()).now().isoformat()}
    release.warning_overrides = [e for e in (release.warning_overrides or []) if e.get("key") != key] + [entry]
    audit.record(session, actor.username, "release.override_warning", "release", release.id, **entry)
    session.flush()
    return Outcome(release_view(session, release), check_release(session, release, lexicons))


def get(session: Session, actor: Actor, release_id: int) -> dict[str, Any]:
    require(session, actor, "release.view", "release", release_id)
    return release_view(session, load_release(session, release_id))


def list_releases(session: Session, actor: Actor, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    require(session, actor, "release.view", "release")
    query = select(Release).order_by(Release.created_at.desc(), Release.id.desc()).limit(limit)
    if status:
        query = query.where(Release.status == status)
    return [release_view(session, release, with_reviews=False) for release in session.scalars(query)]


def data_uri(asset: ReleaseAsset) -> str:
    return f"data:{asset.content_type};base64,{base64.b64encode(asset.data).decode('ascii')}"


def preview(session: Session, actor: Actor, release_id: int) -> str:
    """A whole HTML page around exactly the article HTML that will be sent (images inlined as data: URIs)."""
    from publisher.render.preview import preview_page

    require(session, actor, "release.view", "release", release_id)
    release = load_release(session, release_id)
    body = wechat_html(session, release, data_uri)
    cover = session.scalar(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id,
                                                      ReleaseAsset.role == "cover"))
    accounts = [target["account"] for target in target_rows(session, release)]
    return preview_page(release, body, data_uri(cover) if cover else None, accounts)


def sheet(session: Session, actor: Actor, release_id: int, fmt: str, *, timezone: str) -> bytes:
    """The signed review sheet (审核单) as DOCX or PDF bytes."""
    from publisher.sheet import render_sheet

    require(session, actor, "release.view", "release", release_id)
    release = load_release(session, release_id)
    return render_sheet(session, release, fmt, timezone=timezone)
