"""Turning stored posts (with their analysis, cluster and plan hits) into what the detector keeps in memory."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.detect.signals import PostInfo, post_terms
from storage.models import Analysis, MonitorPlan, PlanMatch, Post


def post_info(post: Post, analysis: Analysis | None, plans: Iterable[str] = (),
              plan_categories: Iterable[str] = ()) -> PostInfo:
    keywords = tuple(analysis.keywords or ()) if analysis is not None else ()
    categories = tuple(dict.fromkeys([*(analysis.categories or () if analysis is not None else ()),
                                      *(c for c in plan_categories if c)]))
    text = post.text or ""
    return PostInfo(
        id=post.id, at=post.published_at or post.fetched_at,
        terms=post_terms(keywords, text, post.cluster_id, plans),
        label=analysis.label if analysis is not None else "neu",
        engagement=int(post.likes or 0) + int(post.reposts or 0) + int(post.comments_count or 0),
        platform=post.platform or "", author_type=post.author_type or "unknown",
        author_key=post.author_hash or f"post:{post.id}", categories=categories,
        head=((post.title + "。") if post.title else "") + text[:200], keywords=keywords,
    )


def load_post_infos(session: Session, since: datetime, until: datetime) -> list[PostInfo]:
    """Posts published in ``[since, until]`` that have been analysed, with their plan hits."""
    rows = session.execute(
        select(Post, Analysis).join(Analysis, Analysis.post_id == Post.id)
        .where(Post.published_at >= since, Post.published_at <= until, Post.deleted.is_(False))
        .order_by(Post.published_at, Post.id)).all()
    hits: dict[int, list[tuple[str, str | None]]] = {}
    if rows:
        for post_id, name, category in session.execute(
                select(PlanMatch.post_id, MonitorPlan.name, MonitorPlan.category)
                .join(MonitorPlan, MonitorPlan.id == PlanMatch.plan_id)
                .join(Post, Post.id == PlanMatch.post_id)
                .where(Post.published_at >= since, Post.published_at <= until)):
            hits.setdefault(post_id, []).append((name, category))
    return [post_info(post, analysis, [n for n, _ in hits.get(post.id, [])], [c for _, c in hits.get(post.id, [])])
            for post, analysis in rows]
