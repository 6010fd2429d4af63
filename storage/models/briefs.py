"""Generated briefs (舆情日报 and 舆情专报) and their files, kept so they can be listed, previewed and sent again.

The files are stored in the database, not under a data directory, so a dashboard on another machine (with
PostgreSQL) serves the very bytes that were delivered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, utcnow

BRIEF_KINDS = ("daily", "issue")  # 舆情日报 / 舆情专报
BRIEF_FORMATS = ("html", "docx", "pdf")


class Brief(Base):
    """One numbered brief (第 N 期 of its kind and year) for a period, or for one issue."""

    __tablename__ = "briefs"
    __table_args__ = (UniqueConstraint("kind", "year", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"), index=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    empty: Mapped[bool] = mapped_column(Boolean, default=False)  # the period had no data ("本期无数据")
    summary: Mapped[str] = mapped_column(Text, default="")  # plain text for the channels that get no file
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # headline figures, for listings
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(60))


class BriefFile(Base):
    """One rendering of a brief (HTML, DOCX or PDF); regenerating a brief replaces its files."""

    __tablename__ = "brief_files"
    __table_args__ = (UniqueConstraint("brief_id", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
