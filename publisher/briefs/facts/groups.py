"""Where the period's posts came from: regions, source types, platforms and kinds of author."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import Scope, within
from storage.models import Post, Source

UNLABELLED = ""  # the group of posts that carry no value (shown as 未标注 / 无采集源记录)
OTHERS = None  # the folded tail beyond the top k


@dataclass(frozen=True)
class Group:
    key: str | None  # a stored value, UNLABELLED, or OTHERS
    count: int


def _grouped(session: Session, scope: Scope, column, k: int | None, join_source: bool = False) -> list[Group]:
    stmt = select(column, func.count()).select_from(Post)
    if join_source:
        stmt = stmt.outerjoin(Source, Source.id == Post.source_id)
    rows = session.execute(within(stmt, scope).group_by(column)).all()
    merged: dict[str, int] = {}
    for key, count in rows:
        name = (key or "").strip() if isinstance(key, str) else UNLABELLED
        merged[name] = merged.get(name, 0) + count
    ranked = sorted(merged.items(), key=lambda item: (item[0] == UNLABELLED, -item[1], item[0]))
    groups = [Group(key, count) for key, count in ranked]
    if k is not None and len(groups) > k:
        rest = sum(g.count for g in groups[k:])
        groups = groups[:k] + [Group(OTHERS, rest)]
    return groups


def by_region(session: Session, scope: Scope, k: int) -> list[Group]:
    """Posts per region as the platform stated it (IP location or the author's stated province)."""
    return _grouped(session, scope, Post.region, k)


def by_source_type(session: Session, scope: Scope) -> list[Group]:
    """Posts per source family (微博, 论坛, 新闻, RSS, 留言板); posts with no source record form one group."""
    return _grouped(session, scope, Source.family, None, join_source=True)


def by_author_type(session: Session, scope: Scope) -> list[Group]:
    """Posts per coarse author type (official, media, self-media, netizen): never who the authors are."""
    return _grouped(session, scope, Post.author_type, None)
