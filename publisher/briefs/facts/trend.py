"""The sentiment trend: analysed posts per local time bucket, by label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import Scope, post_time, within
from storage.models import Analysis, Post

# Bucket widths, finest first; a trend uses the finest that keeps it to at most MAX_BUCKETS bars.
BUCKETS = (timedelta(hours=1), timedelta(hours=3), timedelta(hours=6), timedelta(hours=12), timedelta(days=1),
           timedelta(days=7))
MAX_BUCKETS = 48


@dataclass(frozen=True)
class TrendPoint:
    start: datetime  # local time
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    unanalysed: int = 0

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive + self.unanalysed


def bucket_for(scope: Scope) -> timedelta:
    span = scope.end - scope.start
    return next((step for step in BUCKETS if span / step <= MAX_BUCKETS), BUCKETS[-1])


def sentiment_trend(session: Session, scope: Scope, bucket: timedelta | None = None) -> list[TrendPoint]:
    """Every bucket of the scope (empty ones too, so a quiet hour shows as zero), counted from local start."""
    bucket = bucket or bucket_for(scope)
    count = max(1, -(-(scope.end - scope.start) // bucket))
    tallies = [{"neg": 0, "neu": 0, "pos": 0, None: 0} for _ in range(count)]
    rows = session.execute(within(select(post_time(), Analysis.label).select_from(Post)
                                  .outerjoin(Analysis, Analysis.post_id == Post.id), scope))
    for moment, label in rows:
        index = min(count - 1, int((moment - scope.start) // bucket))
        tallies[index][label if label in ("neg", "neu", "pos") else None] += 1
    return [TrendPoint(start=scope.local(scope.start + bucket * i), negative=t["neg"], neutral=t["neu"],
                       positive=t["pos"], unanalysed=t[None]) for i, t in enumerate(tallies)]
