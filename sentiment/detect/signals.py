"""What detection counts: the signal terms of a post, and the hour-bucketed history they are compared with."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

HASHTAG = re.compile(r"#([^#\s]{2,40})#")
CLUSTER_PREFIX = "簇#"
PLAN_PREFIX = "方案:"
_HOUR = 3600


def is_synthetic(term: str) -> bool:
    """Cluster and plan terms are signals, not words a reader should see as keywords."""
    return term.startswith(CLUSTER_PREFIX) or term.startswith(PLAN_PREFIX)


def post_terms(keywords: Iterable[str], text: str, cluster_id: int | None = None,
               plans: Iterable[str] = ()) -> frozenset[str]:
    """Keywords (phrases kept whole by the analyser), hashtags, the near-duplicate cluster and plan hits."""
    terms = {k.strip() for k in keywords if k and len(k.strip()) >= 2 and not k.strip().isdigit()}
    terms.update(f"#{tag}#" for tag in HASHTAG.findall(text or ""))
    if cluster_id is not None:
        terms.add(f"{CLUSTER_PREFIX}{cluster_id}")
    terms.update(f"{PLAN_PREFIX}{name}" for name in plans)
    return frozenset(terms)


@dataclass(frozen=True)
class PostInfo:
    """The slice of a post that detection keeps in memory."""

    id: int
    at: datetime
    terms: frozenset[str]
    label: str
    engagement: int
    platform: str
    author_type: str
    author_key: str
    categories: tuple[str, ...]
    head: str
    keywords: tuple[str, ...] = ()


def hour_index(moment: datetime) -> int:
    return int(moment.timestamp()) // _HOUR


@dataclass(frozen=True)
class Expectation:
    expected: float
    ratio: float
    score: float
    share: float = 0.0  # the term's share of baseline posts: low means specific


class TermHistory:
    """Term counts per hour bucket over the baseline period, with a seasonal (hour-of-day) expectation.

    Running totals over every bucket kept give the "everything seen before this window" share in O(1) per term,
    exactly (not rounded to whole hours), which is what a fresh detector compares with in its first hours.
    """

    def __init__(self, baseline_days: int, seasonal_prior: float, floor_expected: float,
                 prior_posts: float = 0.0) -> None:
        self.baseline_days = baseline_days
        self.prior = seasonal_prior
        self.floor = floor_expected
        self.prior_posts = prior_posts
        self.buckets: dict[int, Counter] = {}
        self.totals: dict[int, int] = {}
        self.term_totals: Counter = Counter()
        self.post_total = 0
        self.first_at: datetime | None = None
        self._totals_before: dict[int, int] = {}  # baseline size per end hour, cleared every tick
        self._share_cache: dict[tuple[str, int], float] = {}

    def add(self, post: PostInfo) -> None:
        hour = hour_index(post.at)
        self.buckets.setdefault(hour, Counter()).update(post.terms)
        self.totals[hour] = self.totals.get(hour, 0) + 1
        self.term_totals.update(post.terms)
        self.post_total += 1
        if self.first_at is None or post.at < self.first_at:
            self.first_at = post.at

    def expire(self, now: datetime) -> None:
        """Drop buckets older than the baseline and forget this tick's cached sums (call once per tick)."""
        self._totals_before.clear()
        self._share_cache.clear()
        oldest = hour_index(now) - 24 * (self.baseline_days + 1)
        for hour in [h for h in self.buckets if h < oldest]:
            for term, count in self.buckets.pop(hour).items():
                left = self.term_totals[term] - count
                if left > 0:
                    self.term_totals[term] = left
                else:  # forgotten terms leave memory (cluster ids, one-off names)
                    del self.term_totals[term]
            self.post_total -= self.totals.pop(hour, 0)

    def history_hours(self, now: datetime) -> float:
        return 0.0 if self.first_at is None else max((now - self.first_at).total_seconds() / _HOUR, 0.0)

    def seasonal_coverage(self, window_start: datetime, now: datetime) -> float:
        """How much of the window (0–1) falls in hours of day already seen on an earlier day."""
        covered = 0.0
        for same_hour, weight in _hour_weights(window_start, now):
            if any(self.totals.get(same_hour - 24 * day) for day in range(1, self.baseline_days + 1)):
                covered += weight
        return min(covered, 1.0)

    def share_before(self, term: str, before: datetime) -> float:
        """The term's smoothed share of the ``baseline_days`` of posts before the hour of ``before`` (the warm
        detector's baseline; whole hours, cached for the tick)."""
        end = hour_index(before)
        cached = self._share_cache.get((term, end))
        if cached is not None:
            return cached
        hours = [h for h in range(end - 24 * self.baseline_days, end) if h in self.totals]
        n_all = self._totals_before.get(end)
        if n_all is None:
            n_all = self._totals_before[end] = sum(self.totals[h] for h in hours)
        n_term = sum(self.buckets[h].get(term, 0) for h in hours)
        share = self._share_cache[(term, end)] = (n_term + 0.5) / (n_all + 1.0)
        return share

    def share_outside(self, term: str, in_window: int, window_total: int, prior_share: float,
                      prior_weight: float = 1.0) -> tuple[float, float]:
        """The term's share of the posts seen outside the window (exactly, from the running totals), shrunk toward
        its background share by ``prior_posts × prior_weight`` pseudo-posts; returns (share, the count of posts
        behind it). A warm detector (``prior_weight`` 0) uses :meth:`share_before` instead."""
        n_term = max(self.term_totals.get(term, 0) - in_window, 0)
        n_all = max(self.post_total - window_total, 0)
        pseudo = self.prior_posts * prior_weight
        evidence = n_term + pseudo * prior_share
        return (evidence + 0.5) / (n_all + pseudo + 1.0), evidence

    def expectation(self, term: str, observed: int, window_total: int, window_start: datetime,
                    now: datetime, prior_share: float = 0.0, prior_weight: float = 1.0) -> Expectation:
        """Expected window count of ``term`` given the other posts of the window.

        The baseline share is the term's share of every post seen outside the window, shrunk toward its
        background share (``prior_share``, see ``sentiment.detect.prior``) by ``prior_posts × prior_weight``
        pseudo-posts (the detector fades the weight from 1 to 0 over ``warmup_hours``), so a fresh detector
        starts from the background and moves to the local share as posts accumulate. When past
        days exist, the share at the hours of day the window covers (weighted by overlap) takes over, itself
        shrunk toward that baseline share by ``seasonal_prior`` pseudo-posts. The share becomes odds times the
        window's posts that do not carry the term; the floor keeps quiet nights from turning 3 posts into a
        burst; the score's variance adds the estimate's own uncertainty (the count of posts behind it), so a
        thin history does not look like a burst.
        """
        end = hour_index(window_start)
        if prior_weight > 0:
            share_all, evidence = self.share_outside(term, observed, window_total, prior_share, prior_weight)
        else:  # warm: the baseline of the 7 days before the window's hour, exactly as before cold start existed
            share_all, evidence = self.share_before(term, window_start), 0.0
        s_term = s_all = 0.0
        for same_hour, weight in _hour_weights(window_start, now):
            for day in range(1, self.baseline_days + 1):
                hour = same_hour - 24 * day
                if hour >= end:
                    continue
                total = self.totals.get(hour)
                if total:
                    s_all += weight * total
                    s_term += weight * self.buckets[hour].get(term, 0)
        pseudo_count = s_term + self.prior * share_all
        share = pseudo_count / (s_all + self.prior)
        # Posts behind the estimate: the seasonal counts and the seasonal prior; while the detector is young
        # (prior_weight > 0) also the baseline's own counts, as far as they still weigh against the seasonal ones.
        support = pseudo_count + prior_weight * evidence * self.prior / (s_all + self.prior)
        # The share is of all posts; the window's other posts give the expectation through the odds.
        odds = share / max(1.0 - share, 0.05)
        expected = max(self.floor, odds * max(window_total - observed, 0))
        ratio = observed / expected
        # Anscombe's variance-stabilised Poisson deviation (honest for small counts), widened by the
        # estimate's own noise (relative variance 1/count).
        deviation = 2.0 * (math.sqrt(observed + 0.375) - math.sqrt(expected + 0.375))
        score = deviation / math.sqrt(1.0 + expected / (support + 1.0))
        return Expectation(expected, ratio, score, share_all)


def _hour_weights(start: datetime, end: datetime) -> list[tuple[int, float]]:
    """The hour buckets a window covers, each weighted by the share of the window that falls in it."""
    span = max((end - start).total_seconds(), 1.0)
    weights = []
    for hour in range(hour_index(start), hour_index(end) + 1):
        lo = max(start.timestamp(), hour * _HOUR)
        hi = min(end.timestamp(), (hour + 1) * _HOUR)
        if hi > lo:
            weights.append((hour, (hi - lo) / span))
    return weights


def window_start(now: datetime, minutes: int) -> datetime:
    return now - timedelta(minutes=minutes)
