"""Emerging-issue detection: burst scoring of windowed term counts, merging into Issues, grading each tick.

One ``Detector`` lives in the process that runs ticks (the scheduler, ``zhengyu detect``, a replay). It is fed
every new post (``observe``) and keeps an hour-bucketed history in memory; ``hydrate`` rebuilds that history
from the store so a fresh process sees what an old one saw. Time comes only from the ``now`` passed in.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.detect.lifecycle import LevelEvent, add_members, empty_stats, grade_issue, raise_alerts
from sentiment.detect.naming import issue_keywords, issue_title
from sentiment.detect.prior import BackgroundPrior
from sentiment.detect.rules import WarningRules
from sentiment.detect.signals import CLUSTER_PREFIX, PostInfo, TermHistory, is_synthetic, window_start
from storage.models import Issue, IssueMember

log = logging.getLogger(__name__)


@dataclass
class Topic:
    """Bursting terms that share posts, before they become (or join) an Issue."""

    terms: list[str]
    posts: set[int]
    score: float


@dataclass(frozen=True)
class Thresholds:
    """The burst thresholds in force at a moment: the configured ones plus the cold-start margin."""

    min_score: float  # as configured
    score_margin: float  # the cold-start margin now; waived for a term as far as its posts show propagation
    min_authors: int  # configured + the cold-start author margin now
    fade: float  # 1 with no history, 0 once ``warmup_hours`` of history have been seen
    prior_weight: float = 1.0  # how much the background prior still weighs: 1 with no history, 0 after warm-up

    def score_needed(self, propagated_share: float) -> float:
        return self.min_score + self.score_margin * (1.0 - min(max(propagated_share, 0.0), 1.0))


def thresholds(params, history_hours: float, seasonal_coverage: float = 1.0) -> Thresholds:
    """While history is short the bar is higher: the margin fades linearly to nothing over ``warmup_hours``, but
    keeps the share ``cold_unseen_hours`` of itself over the part of the window in hours of day not yet seen on an
    earlier day (``seasonal_coverage``, 0–1), so a routine of an hour not yet seen (the first morning greeting of
    a stream that started at 09:00) does not pass for news.
    The hour-of-day condition ends a day after ``warmup_hours``: a source that is always silent at 3 a.m.
    is not held to the margin forever."""
    fade = max(0.0, 1.0 - history_hours / params.warmup_hours) if params.warmup_hours > 0 else 0.0
    prior_weight = fade if params.cold_start == "prior" else 0.0
    if 0 < history_hours < params.warmup_hours + 24:
        fade = max(fade, params.cold_unseen_hours * (1.0 - seasonal_coverage))
    if params.cold_start == "wait":  # the old behaviour: blind until warmup_hours, then no margin
        fade = 0.0
    return Thresholds(params.min_score, fade * params.cold_score_margin,
                      params.min_authors + math.ceil(fade * params.cold_author_margin - 1e-9), fade, prior_weight)


def propagates(post: PostInfo) -> bool:
    """A post that joins a public topic (a hashtag) or is one of several near-identical copies (a cluster)."""
    return any(term[0] == "#" or term.startswith(CLUSTER_PREFIX) for term in post.terms)


def effective_windows(params, history_hours: float) -> list[int | float]:
    """Window lengths (minutes) to score. A window longer than half the history seen is cut to half of it, so
    the older half is the local baseline the newer half is compared with (a fresh detector is not blind)."""
    half = history_hours * 60 / 2
    if params.cold_start == "wait":
        return [] if history_hours < params.warmup_hours else sorted({params.window_minutes,
                                                                     params.long_window_minutes})
    lengths = {m if half >= m else half for m in (params.window_minutes, params.long_window_minutes)}
    return sorted(m for m in lengths if m >= 1)


@dataclass
class TickReport:
    at: datetime
    window_posts: int = 0
    candidates: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    alerts: int = 0


def _overlap(a: set[int], b: set[int]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


class Detector:
    def __init__(self, rules: WarningRules, prior: BackgroundPrior | None = None) -> None:
        self.rules = rules
        p = rules.detection
        self.prior = prior or BackgroundPrior()
        self.history = TermHistory(p.baseline_days, p.seasonal_prior, p.floor_expected, p.prior_posts)
        self.recent: deque[PostInfo] = deque()
        self._seen: set[int] = set()
        self._members: dict[int, set[int]] = {}

    # -- feeding -------------------------------------------------------------------------------------------
    def observe(self, posts: Iterable[PostInfo]) -> None:
        for post in sorted(posts, key=lambda p: (p.at, p.id)):
            if post.id in self._seen:
                continue
            self._seen.add(post.id)
            self.history.add(post)
            self.recent.append(post)

    def _trim(self, now: datetime) -> list[PostInfo]:
        """Posts of the longest window, oldest first; older ones leave memory."""
        p = self.rules.detection
        start = window_start(now, max(p.window_minutes, p.long_window_minutes))
        while self.recent and self.recent[0].at <= start:
            self._seen.discard(self.recent.popleft().id)
        return [post for post in self.recent if post.at <= now]

    # -- scoring -------------------------------------------------------------------------------------------
    def candidates(self, window: list[PostInfo], now: datetime) -> list[Topic]:
        """Bursting terms of the short and the long window, merged into topics by shared posts."""
        p = self.rules.detection
        hours = self.history.history_hours(now)
        best: dict[str, tuple[float, float, set[int]]] = {}
        recent = {post.id for post in window if post.at > window_start(now, p.window_minutes)}
        for minutes in effective_windows(p, hours):
            start = window_start(now, minutes)
            bar = thresholds(p, hours, self.history.seasonal_coverage(start, now))
            posts = [post for post in window if post.at > start]
            for score, share, term, ids in self._bursts(posts, start, now, bar):
                # While history is short, a long window must not keep raising a pattern that has stopped (the
                # first morning greeting, hours later): the term must still run at half its window's rate.
                if bar.fade > 0 and minutes > p.window_minutes and \
                        len(ids & recent) < 0.5 * len(ids) * p.window_minutes / minutes:
                    continue
                if term not in best or score > best[term][0]:
                    best[term] = (score, share, ids)
        scored = [(score, share, term, ids) for term, (score, share, ids) in best.items()]
        scored.sort(key=lambda item: (-item[0], item[2]))
        topics = self._merge(scored)
        self._describe(topics, window, now)
        return topics

    def _describe(self, topics: list[Topic], window: list[PostInfo], now: datetime) -> None:
        """Add the words most of a topic's posts share, and let the most specific readable one lead.

        A generic word (食堂) can cross the threshold before the specific ones (实验中学食堂变质) because it also
        collects background posts; ordering by baseline share keeps the specific word as the issue's anchor.
        """
        if not topics:
            return
        by_id = {post.id: post for post in window}
        in_window = Counter(term for post in window for term in post.terms)
        weight = thresholds(self.rules.detection, self.history.history_hours(now)).prior_weight
        start = window_start(now, max(self.rules.detection.window_minutes, self.rules.detection.long_window_minutes))
        for topic in topics:
            cover = Counter(term for i in topic.posts if i in by_id for term in by_id[i].terms)
            topic.terms += [t for t, n in cover.most_common() if n >= 0.5 * len(topic.posts) and t not in topic.terms]
            if weight > 0:
                shares = {t: self.history.share_outside(t, in_window[t], len(window), self.prior.share(t), weight)[0]
                          for t in topic.terms}
            else:
                shares = {t: self.history.share_before(t, start) for t in topic.terms}
            topic.terms.sort(key=lambda t: (is_synthetic(t), shares[t], t))

    def _bursts(self, posts: list[PostInfo], start: datetime, now: datetime, bar: Thresholds
                ) -> list[tuple[float, float, str, set[int]]]:
        p = self.rules.detection
        posts_of: dict[str, set[int]] = {}
        authors_of: dict[str, set[str]] = {}
        for post in posts:
            for term in post.terms:
                posts_of.setdefault(term, set()).add(post.id)
                authors_of.setdefault(term, set()).add(post.author_key)
        # Expected counts never fall below the floor, so fewer posts than this can never score high enough.
        reachable = (bar.min_score / 2 + math.sqrt(p.floor_expected + 0.375)) ** 2 - 0.375
        least = max(p.min_count, p.min_ratio * p.floor_expected, reachable)
        spread = {post.id for post in posts if propagates(post)} if bar.score_margin > 0 else set()
        found = []
        for term, ids in posts_of.items():
            count = len(ids)
            if count < least or len(authors_of[term]) < bar.min_authors:
                continue
            exp = self.history.expectation(term, count, len(posts), start, now, self.prior.share(term),
                                           bar.prior_weight)
            if exp.ratio >= p.min_ratio and exp.score >= bar.score_needed(len(ids & spread) / count):
                found.append((exp.score, exp.share, term, ids))
        return found

    def _merge(self, scored: list[tuple[float, float, str, set[int]]]) -> list[Topic]:
        """Group bursting terms that share posts."""
        p = self.rules.detection
        topics: list[Topic] = []
        for score, _share, term, ids in scored:
            home = next((t for t in topics if _overlap(t.posts, ids) >= p.merge_overlap), None)
            if home is None:
                topics.append(Topic([term], set(ids), score))
            else:
                home.terms.append(term)
                home.posts |= ids
        return topics

    # -- issues --------------------------------------------------------------------------------------------
    def _members_of(self, session: Session, issue_id: int) -> set[int]:
        if issue_id not in self._members:
            self._members[issue_id] = set(session.scalars(
                select(IssueMember.post_id).where(IssueMember.issue_id == issue_id)))
        return self._members[issue_id]

    @staticmethod
    def _belongs(post: PostInfo, terms: list[str]) -> bool:
        """A post joins an issue when it carries the anchor (most specific) term, or two of the top three."""
        if not terms:
            return False
        if terms[0] in post.terms:
            return True
        return len(post.terms.intersection(terms[:3])) >= 2

    def _match_issue(self, session: Session, topic: Topic, issues: list[Issue]) -> Issue | None:
        best, best_overlap = None, 0.0
        for issue in issues:
            terms = (issue.detail or {}).get("terms", [])
            overlap = _overlap(topic.posts, self._members_of(session, issue.id))
            if topic.terms[0] in terms[:3]:
                overlap = max(overlap, 1.0)
            if overlap > best_overlap:
                best, best_overlap = issue, overlap
        return best if best_overlap >= 0.3 else None

    def _create_issue(self, session: Session, topic: Topic, window: list[PostInfo], now: datetime) -> Issue:
        posts = [p for p in window if p.id in topic.posts]
        terms = topic.terms[:8]
        first = min(p.at for p in posts)
        issue = Issue(signature=f"{terms[0]}|{now:%Y%m%d%H%M}"[:200], title=issue_title(terms, posts),
                      keywords=issue_keywords(terms, {}), first_seen_at=first, last_seen_at=first,
                      first_flagged_at=now, post_count=0, status="new", created_at=now,
                      detail={"terms": terms, "stats": empty_stats(), "burst_score": round(topic.score, 2)})
        session.add(issue)
        session.flush()
        self._members[issue.id] = set()
        return issue

    def tick(self, session: Session, now: datetime) -> TickReport:
        """One detection round at ``now``: find bursts, create or extend issues, grade all open issues."""
        p = self.rules.detection
        self.history.expire(now)
        window = self._trim(now)
        short_start = window_start(now, p.window_minutes)
        short = [post for post in window if post.at > short_start]
        report = TickReport(now, window_posts=len(short))
        topics = self.candidates(window, now)
        report.candidates = len(topics)
        issues = list(session.scalars(select(Issue).where(Issue.status != "closed").order_by(Issue.id)))
        new_count = 0
        for topic in topics:
            issue = self._match_issue(session, topic, issues)
            if issue is None:
                if new_count >= p.max_new_issues_per_tick:
                    log.warning("more than %d new topics at %s; the rest wait for the next tick",
                                p.max_new_issues_per_tick, now)
                    continue
                issue = self._create_issue(session, topic, window, now)
                issues.append(issue)
                report.created.append(issue.id)
                new_count += 1
            else:
                detail = dict(issue.detail or {})
                terms = list(detail.get("terms", []))
                terms += [t for t in topic.terms if t not in terms][: max(0, 8 - len(terms))]
                detail["terms"] = terms
                detail["burst_score"] = round(max(float(detail.get("burst_score", 0)), topic.score), 2)
                issue.detail = detail
                report.updated.append(issue.id)
        events: list[LevelEvent] = []
        for issue in issues:
            terms = (issue.detail or {}).get("terms", [])
            members = self._members_of(session, issue.id)
            add_members(session, issue, (post for post in window if self._belongs(post, terms)), members)
            in_window = sum(1 for post in short if post.id in members)
            event = grade_issue(session, issue, in_window, self.rules, now)
            if issue.status == "closed":
                report.closed.append(issue.id)
                self._members.pop(issue.id, None)
            elif event is not None:
                events.append(event)
        report.alerts = len(raise_alerts(session, events, self.rules, now))
        session.flush()
        return report

    def hydrate(self, session: Session, now: datetime) -> int:
        """Rebuild the in-memory history from stored posts of the baseline period; returns posts read."""
        from sentiment.detect.loading import load_post_infos

        since = now - timedelta(days=self.rules.detection.baseline_days, minutes=self.rules.detection.window_minutes)
        infos = load_post_infos(session, since, now)
        self.observe(infos)
        return len(infos)

