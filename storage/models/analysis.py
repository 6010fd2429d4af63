"""Results of text analysis: per-post analysis, near-duplicate clusters, monitoring plans and their hits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, utcnow

SENTIMENT_LABELS = ("neg", "neu", "pos")


class Analysis(Base):
    """Sentiment, keywords and categories of one post, with the model version that produced them."""

    __tablename__ = "analyses"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(String(3))  # neg | neu | pos
    score: Mapped[float] = mapped_column(Float)  # probability of positive, 0..1
    model_version: Mapped[str] = mapped_column(String(60))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    analyzed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    post: Mapped["Post"] = relationship(back_populates="analysis")


class Cluster(Base):
    """A group of near-duplicate posts across sources; the first post is the 首发."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_post_id: Mapped[int | None] = mapped_column(Integer)
    first_platform: Mapped[str | None] = mapped_column(String(40))
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    size: Mapped[int] = mapped_column(Integer, default=1)
    repost_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MonitorPlan(Base):
    """A monitoring plan (监测方案): a boolean keyword rule with exclusions and a field scope."""

    __tablename__ = "monitor_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    rule: Mapped[str] = mapped_column(Text)
    exclusions: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    category: Mapped[str | None] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanMatch(Base):
    """A post matched by a monitoring plan."""

    __tablename__ = "plan_matches"
    __table_args__ = (UniqueConstraint("plan_id", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("monitor_plans.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
