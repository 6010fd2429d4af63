"""Authoritative releases (权威发布): accounts, releases, their assets, the signed review record, publishing.

A release is written once and published to one or many accounts of the matrix; each target account is
tracked on its own (``ReleaseTarget``), so one failing account never holds back the others. Every external
WeChat step is a ``PublishAttempt`` row written before the call and completed after it, which is what lets
recovery after a crash find out what already happened instead of doing it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, utcnow

# The life of a release. first/second/final_review are 初审/复审/终审; an edit in any state up to
# ``scheduled`` sends the release back to first_review (or leaves a draft a draft).
RELEASE_STATUSES = (
    "draft", "first_review", "second_review", "final_review", "approved", "scheduled", "publishing",
    "published", "partly_published", "failed", "cancelled",
)
REVIEW_STAGES = ("first", "second", "final")  # 初审 / 复审 / 终审
# One target account of a release. ``missed``: its time slot passed beyond the grace window (never silent).
TARGET_STATUSES = ("pending", "scheduled", "publishing", "published", "failed", "missed", "cancelled")
ACCOUNT_TYPES = ("subscription", "service")  # 订阅号(公众号) / 服务号


class Account(Base):
    """A WeChat official account of the matrix. The AppSecret is read from the named environment variable."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    appid: Mapped[str] = mapped_column(String(64))
    secret_env: Mapped[str] = mapped_column(String(100))
    api_base_url: Mapped[str | None] = mapped_column(Text)  # None: WeChat's own (https://api.weixin.qq.com/cgi-bin/)
    account_type: Mapped[str] = mapped_column(String(20), default="subscription")
    mass_send: Mapped[bool] = mapped_column(Boolean, default=False)  # also 群发 to followers after publishing
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(String(100))
    digest: Mapped[str | None] = mapped_column(Text)
    markdown: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)  # the rendered body, local images still as asset references
    theme: Mapped[str | None] = mapped_column(String(40))
    content_source_url: Mapped[str | None] = mapped_column(Text)  # 阅读原文
    cover_path: Mapped[str | None] = mapped_column(Text)  # where the cover came from (its bytes are an asset)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # of what would be published now
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answers_issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"), index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warning_overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # reason per warning
    # Signatures of earlier rounds (before a rejection or an edit) no longer count; see publisher.review.
    review_round: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReleaseAsset(Base):
    """An image of a release (body image or cover), kept in the store so publishing never depends on the
    editor's files still being where they were."""

    __tablename__ = "release_assets"
    __table_args__ = (UniqueConstraint("release_id", "role", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # image | cover
    ref: Mapped[str] = mapped_column(Text)  # the reference as written in the Markdown (or the cover path)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(60))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReleaseTarget(Base):
    """One account a release goes to, with that account's own publishing state and WeChat ids."""

    __tablename__ = "release_targets"
    __table_args__ = (UniqueConstraint("release_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # the approved hash this target publishes
    draft_media_id: Mapped[str | None] = mapped_column(String(200))
    publish_id: Mapped[str | None] = mapped_column(String(200))
    article_id: Mapped[str | None] = mapped_column(String(200))
    article_url: Mapped[str | None] = mapped_column(Text)
    mass_msg_id: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    errcode: Mapped[int | None] = mapped_column(Integer)
    errmsg: Mapped[str | None] = mapped_column(Text)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReviewRecord(Base):
    """One signed step of 三审三校 (初审/复审/终审); each stage by a different reviewer.

    ``content_hash`` is the hash of the release as the reviewer saw it: publishing is refused when the
    release no longer has that hash."""

    __tablename__ = "review_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decision: Mapped[str] = mapped_column(String(10))  # approve | reject
    comment: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    round: Mapped[int] = mapped_column(Integer, default=1)  # review rounds restart after a rejection or an edit
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishAttempt(Base):
    """One external call in the publishing chain (upload, draft/add, freepublish/submit, poll, mass send).

    Written with ``status='started'`` before the call and completed (``ok``/``error``) after it; a row left
    ``started`` by a crash tells recovery to ask WeChat what happened before doing anything."""

    __tablename__ = "publish_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("release_targets.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # started | ok | error
    media_id: Mapped[str | None] = mapped_column(String(200))
    publish_id: Mapped[str | None] = mapped_column(String(200))
    article_url: Mapped[str | None] = mapped_column(Text)
    errcode: Mapped[int | None] = mapped_column(Integer)
    errmsg: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WeChatUpload(Base):
    """A file already uploaded to one account (body image URL or permanent cover media_id), by content hash,
    so a retry or a second release with the same picture never uploads it again."""

    __tablename__ = "wechat_uploads"
    __table_args__ = (UniqueConstraint("account_id", "kind", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # image (media/uploadimg) | cover (material/add_material)
    sha256: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    media_id: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeChatSession(Base):
    """wechatpy session storage shared by every process (the access token and its expiry, per appid)."""

    __tablename__ = "wechat_sessions"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
