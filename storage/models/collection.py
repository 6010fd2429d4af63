"""What the crawlers collect: sources with their health, crawl runs, cursors, and posts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, utcnow

POST_KINDS = ("post", "comment", "reply", "article", "message", "official_reply")
AUTHOR_TYPES = ("official", "media", "self_media", "netizen", "unknown")


class Source(Base):
    """One configured site or API endpoint of a source family, with its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    family: Mapped[str] = mapped_column(String(30))  # weibo | forum | news | rss | message_board
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    interval_s: Mapped[int] = mapped_column(Integer, default=600)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_run_items: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SourceCursor(Base):
    """A per-source high-water mark (newest id or time seen, a paging cursor) for incremental crawls."""

    __tablename__ = "source_cursors"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


CRAWL_RUN_STATUSES = ("running", "ok", "incomplete", "failed", "interrupted")


class CrawlRun(Base):
    """One run of one source: how many items it brought, what its lists showed, how it ended and why.

    ``status``: running | ok | incomplete (fine, but a list walk left a gap for the next run) | failed |
    interrupted (the process died without finishing; found by the next run). ``problems`` lists everything
    the health judge found (``crawlers.judge``), fatal or not, as ``{code, message, fatal, count}``.
    """

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    items_dropped: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    list_pages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    list_entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the crawling process
    error: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)


class Post(Base):
    """A public post, comment, reply, article or message-board entry, with its normalised text.

    Authors are kept only as a keyed hash plus a coarse type; no names or profile fields.
    """

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_posts_published_at", "published_at"),
        Index("ix_posts_content_hash", "content_hash"),
        Index("ix_posts_root_id", "root_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="post")
    url: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    root_id: Mapped[int | None] = mapped_column(Integer)
    parent_external_id: Mapped[str | None] = mapped_column(String(200))
    author_hash: Mapped[str | None] = mapped_column(String(64))
    author_type: Mapped[str] = mapped_column(String(20), default="unknown")
    region: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(Text)
    text_raw: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    comments_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"), index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    parent: Mapped[Post | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Post]] = relationship(back_populates="parent")
    analysis: Mapped[Analysis | None] = relationship(back_populates="post", uselist=False)

