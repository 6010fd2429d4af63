"""Overview figures of a period: volume, platforms, engagement and sentiment, and their change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import COMMENT_KINDS, Scope, within
from storage.models import Analysis, Post


@dataclass(frozen=True)
class SentimentCounts:
    negative: int = 0
    neutral: int = 0
    positive: int = 0

    @property
    def analysed(self) -> int:
        return self.negative + self.neutral + self.positive

    @property
    def negative_share(self) -> float | None:
        """Negative among analysed posts; None when nothing was analysed (not 0%: nothing is known)."""
        return self.negative / self.analysed if self.analysed else None


@dataclass(frozen=True)
class Overview:
    posts: int
    comments: int
    platforms: int
    engagement: int
    sentiment: SentimentCounts

    @property
    def total(self) -> int:
        return self.posts + self.comments


@dataclass(frozen=True)
class Change:
    """A figure against the previous period; ``ratio`` is None when the previous period had none."""

    current: float
    previous: float

    @property
    def delta(self) -> float:
        return self.current - self.previous

    @property
    def ratio(self) -> float | None:
        return self.delta / self.previous if self.previous else None


def count_posts(session: Session, scope: Scope) -> int:
    """Posts, articles and messages (everything that is not a comment or reply)."""
    return session.scalar(within(select(func.count()).select_from(Post), scope)
                          .where(Post.kind.not_in(COMMENT_KINDS))) or 0


def count_comments(session: Session, scope: Scope) -> int:
    """Comments, replies and official replies."""
    return session.scalar(within(select(func.count()).select_from(Post), scope)
                          .where(Post.kind.in_(COMMENT_KINDS))) or 0


def count_platforms(session: Session, scope: Scope) -> int:
    """Distinct platforms the period's posts came from."""
    return session.scalar(within(select(func.count(distinct(Post.platform))), scope)) or 0


def sum_engagement(session: Session, scope: Scope) -> int:
    """Likes, reposts and comment counts as the platforms reported them when the posts were fetched."""
    total = func.coalesce(func.sum(Post.likes + Post.reposts + Post.comments_count), 0)
    return int(session.scalar(within(select(total), scope)) or 0)


def sentiment_counts(session: Session, scope: Scope) -> SentimentCounts:
    """Analysed posts by sentiment label; posts not analysed yet are not counted."""
    rows = session.execute(within(select(Analysis.label, func.count()).join(Post, Post.id == Analysis.post_id),
                                  scope).group_by(Analysis.label)).all()
    counts = dict(rows)
    return SentimentCounts(negative=counts.get("neg", 0), neutral=counts.get("neu", 0),
                           positive=counts.get("pos", 0))


def overview(session: Session, scope: Scope) -> Overview:
    return Overview(posts=count_posts(session, scope), comments=count_comments(session, scope),
                    platforms=count_platforms(session, scope), engagement=sum_engagement(session, scope),
                    sentiment=sentiment_counts(session, scope))
