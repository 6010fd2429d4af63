"""Emerging issues (苗头性、倾向性问题): the issue, its member posts, its time series and its level history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, utcnow

# Issue handling (处置): new → acknowledged → responding (a release answering it is linked) → responded (the
# answer is published) → closed. Detection also closes an issue that has gone quiet. Who and when is in the
# audit log; publisher.services.issues owns the transitions.
ISSUE_STATUSES = ("new", "acknowledged", "responding", "responded", "closed")


class Issue(Base):
    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(40))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    negative_share: Mapped[float] = mapped_column(Float, default=0.0)
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str | None] = mapped_column(String(20))
    level_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    level_changes: Mapped[list[IssueLevelChange]] = relationship(
        back_populates="issue", order_by="IssueLevelChange.at"
    )


class IssueMember(Base):
    __tablename__ = "issue_members"
    __table_args__ = (UniqueConstraint("issue_id", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)


class IssueSnapshot(Base):
    """The issue's figures at one detection tick, for trend charts."""

    __tablename__ = "issue_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    post_count: Mapped[int] = mapped_column(Integer)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    negative_share: Mapped[float] = mapped_column(Float)
    heat: Mapped[float] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(20))


class IssueLevelChange(Base):
    """One change of warning level, with the rule that fired and the rule table's version."""

    __tablename__ = "issue_level_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_level: Mapped[str | None] = mapped_column(String(20))
    to_level: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[str] = mapped_column(String(40))

    issue: Mapped[Issue] = relationship(back_populates="level_changes")
