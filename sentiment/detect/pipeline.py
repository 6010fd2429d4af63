"""The production path after collection: analyse → match plans → near-duplicates → detector, then ticks.

The scheduler, ``zhengyu detect`` and ``zhengyu replay`` all use this one class, so a replay exercises
exactly what production runs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Protocol, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.dedup import Deduplicator
from sentiment.detect.detector import Detector, TickReport
from sentiment.detect.loading import post_info
from sentiment.detect.prior import BackgroundPrior
from sentiment.detect.rules import WarningRules, load_rules
from sentiment.plans.matcher import CompiledPlan
from sentiment.plans.store import active_plans, load_plan_dir, record_matches, sync_plans
from storage.models import Analysis, Post

log = logging.getLogger(__name__)


class TextAnalyzer(Protocol):
    def analyze(self, text: str) -> Any:
        """Return an object with label, score, keywords, categories, model_version."""


def default_analyzer(settings) -> TextAnalyzer:
    """The shipped analyser (sentiment.analyzer); a missing or broken model raises, never returns neutral."""
    try:
        from sentiment.analyzer import Analyzer
    except ImportError as exc:
        raise RuntimeError("情感分析模块 sentiment.analyzer 不可用，无法运行研判流程") from exc
    return Analyzer.from_settings(settings)


def analysis_text(post: Post) -> str:
    """The text the analysis worker analyses for a post (the same function, so replay matches production)."""
    from sentiment.worker import post_text

    return post_text(post.title, post.text)


class DetectionPipeline:
    def __init__(self, rules: WarningRules, analyzer: TextAnalyzer, plans: list[CompiledPlan],
                 dedup: Deduplicator | None = None, detector: Detector | None = None) -> None:
        self.rules = rules
        self.analyzer = analyzer
        self.plans = plans
        self.dedup = dedup or Deduplicator()
        # The analyser's IDF table (the store's own once learnt, else the shipped one) is the background prior.
        self.detector = detector or Detector(rules, BackgroundPrior(getattr(analyzer, "idf", None)))
        self._plan_category = {p.name: p.category for p in plans}

    @classmethod
    def from_settings(cls, settings, session: Session, analyzer: TextAnalyzer | None = None,
                      scheme: str | None = None) -> DetectionPipeline:
        """Load the rule table and the plan files (synced into ``MonitorPlan`` rows) named by the settings."""
        rules = load_rules(settings.analysis.warning_rules_file, scheme)
        sync_plans(session, load_plan_dir(settings.analysis.plans_dir))
        return cls(rules, analyzer or default_analyzer(settings), active_plans(session))

    def analyze(self, session: Session, posts: Sequence[Post], now: datetime) -> dict[int, Analysis]:
        """Analyses of the posts, creating the missing ones with the analyser."""
        ids = [p.id for p in posts]
        found: dict[int, Analysis] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update((a.post_id, a) for a in session.scalars(select(Analysis).where(Analysis.post_id.in_(chunk))))
        batch = getattr(self.analyzer, "analyze_many", None)
        missing = [p for p in posts if p.id not in found]
        results = batch([analysis_text(p) for p in missing]) if batch and missing else \
            [self.analyzer.analyze(analysis_text(p)) for p in missing]
        for post, result in zip(missing, results):
            row = Analysis(post_id=post.id, label=result.label, score=float(result.score),
                           model_version=str(result.model_version), keywords=list(result.keywords),
                           categories=list(result.categories), analyzed_at=now)
            session.add(row)
            found[post.id] = row
        return found

    def process(self, session: Session, posts: Sequence[Post], now: datetime) -> None:
        """Run new posts (flushed, with ids) through analysis, plans and dedup, and feed the detector."""
        if not posts:
            return
        analyses = self.analyze(session, posts, now)
        hits = record_matches(session, posts, self.plans, now)
        self.dedup.process(session, posts)
        self.detector.observe(
            post_info(p, analyses.get(p.id), hits.get(p.id, ()),
                      [self._plan_category.get(n) for n in hits.get(p.id, ())]) for p in posts)
        session.flush()

    def tick(self, session: Session, now: datetime) -> TickReport:
        idf = getattr(self.analyzer, "idf", None)
        if idf is not None and not self.detector.prior.uses(idf):  # the worker refreshed the store's IDF table
            self.detector.prior = BackgroundPrior(idf)
        return self.detector.tick(session, now)

    def catch_up(self, session: Session, now: datetime) -> int:
        """For a fresh process on a live store: cluster, plan-match and analyse the recent posts, then rebuild
        the detector's history from the baseline period. Returns the number of posts read."""
        p = self.rules.detection
        since = now - timedelta(days=p.baseline_days, minutes=p.window_minutes)
        self.dedup.hydrate(session, now - self.dedup.params.horizon, now)
        recent = list(session.scalars(select(Post).where(Post.published_at > now - timedelta(minutes=p.window_minutes),
                                                         Post.published_at <= now, Post.deleted.is_(False))))
        self.analyze(session, recent, now)
        record_matches(session, recent, self.plans, now)
        session.flush()
        return self.detector.hydrate(session, now) if since < now else 0


def detect_once(settings, session_factory, now: datetime, analyzer: TextAnalyzer | None = None,
                scheme: str | None = None) -> TickReport:
    """One detection tick on the live store at ``now`` (for ``zhengyu detect`` and the scheduler's job)."""
    from storage.engine import session_scope

    with session_scope(session_factory) as session:
        pipeline = DetectionPipeline.from_settings(settings, session, analyzer, scheme)
        pipeline.catch_up(session, now)
        return pipeline.tick(session, now)
