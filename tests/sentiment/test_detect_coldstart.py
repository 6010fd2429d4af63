"""Cold start with a frozen clock: a fresh detector sees bursts from its first hour and stays quiet otherwise."""

from __future__ import annotations

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sentiment.detect.detector import Detector, effective_windows, thresholds
from sentiment.detect.pipeline import DetectionPipeline
from sentiment.detect.prior import BackgroundPrior
from sentiment.detect.rules import RulesError
from sentiment.detect.signals import PostInfo, TermHistory
from sentiment.detect.synthetic import MORNING, generate_stream
from sentiment.keywords import IdfTable
from sentiment.replay import parse_record, replay
from storage.models import Issue, IssueLevelChange
from tests.sentiment.detect_helpers import T0, KeywordAnalyzer, hours, rules, shipped_rules
from zhengyu.clock import FrozenClock

TAG = "#城关派出所辅警打人#"
TAILS = ["太气愤了", "必须严惩", "要求公开处理", "视频曝光", "群众围观"]


def replay_records(session_factory, records, table):
    pipeline = DetectionPipeline(table, KeywordAnalyzer(), [])
    posts = [parse_record(r, ZoneInfo("UTC")) for r in records]
    return replay(posts, session_factory, pipeline, FrozenClock(posts[0].published_at), author_key=b"test-key",
                  tick_minutes=10)


def steady_background(start, minutes: int, per_hour: int, seed: int) -> list[dict]:
    """Everyday sentences from the generator's vocabulary at a constant rate: every word keeps its share."""
    rng = random.Random(seed)
    from sentiment.detect.synthetic import OBJECTS, SUBJECTS, TAILS as EVERYDAY, VERBS

    records = []
    for k in range(minutes * per_hour // 60):
        at = start + timedelta(seconds=rng.uniform(0, minutes * 60))
        records.append({"id": f"b{seed}-{k}", "published_at": at.isoformat(), "platform": "weibo",
                        "text": f"{rng.choice(VERBS)}{rng.choice(SUBJECTS)}{rng.choice(OBJECTS)}，{rng.choice(EVERYDAY)}",
                        "author": f"u{rng.randint(1, 5000)}"})
    return records


def hashtag_burst(start, minutes: int, per_minute: int) -> list[dict]:
    records = []
    for k in range(minutes * per_minute):
        at = start + timedelta(seconds=k * 60 / per_minute)
        records.append({"id": f"i{k}", "published_at": at.isoformat(), "platform": "weibo", "author": f"w{k}",
                        "text": f"{TAG} 城关派出所辅警打人，{TAILS[k % len(TAILS)]}", "likes": 30, "reposts": 5})
    return records


def by_time(records):
    return sorted(records, key=lambda r: (r["published_at"], r["id"]))


@pytest.mark.slow
def test_a_burst_in_the_first_hour_of_a_fresh_detector_is_raised_with_reasons(session_factory):
    records = by_time(steady_background(T0, 180, 300, seed=1) + hashtag_burst(T0 + timedelta(minutes=30), 40, 2))
    summary = replay_records(session_factory, records, shipped_rules())
    assert summary.issues_created == 1
    with session_factory() as session:
        issue = session.scalars(select(Issue)).one()
        assert T0 + timedelta(minutes=30) < issue.first_flagged_at <= T0 + hours(1)
        assert TAG in issue.keywords or "城关派出所" in issue.title
        changes = session.scalars(select(IssueLevelChange).where(IssueLevelChange.issue_id == issue.id)).all()
        assert changes and changes[0].from_level is None and changes[0].to_level is not None
        version = shipped_rules().version
        assert all(c.rules_version == version and f"规则 {version}" in c.reason for c in changes if c.to_level)
        assert issue.level_reason == changes[-1].reason


@pytest.mark.slow
def test_the_old_hard_warm_up_missed_that_burst(session_factory):
    records = by_time(steady_background(T0, 180, 300, seed=1) + hashtag_burst(T0 + timedelta(minutes=30), 40, 2))
    summary = replay_records(session_factory, records, rules(cold_start="wait"))
    assert summary.issues_created == 0


@pytest.mark.slow
def test_a_steady_stream_of_common_words_from_hour_zero_raises_nothing(session_factory):
    stream = generate_stream(T0, days=1, per_day=1500, incidents=[], seed=5)
    steady = [r for r in stream.records if MORNING not in r["text"] and not r["text"].startswith("深夜")]
    summary = replay_records(session_factory, steady, shipped_rules())
    assert summary.stored == len(steady) > 1000
    with session_factory() as session:
        assert session.scalars(select(Issue.title)).all() == []


def info(i, at, terms, author=None):
    return PostInfo(i, at, frozenset(terms), "neu", 0, "weibo", "netizen", author or f"a{i}", (), "", ())


def test_the_cold_start_margin_fades_with_history_and_is_waived_for_propagating_posts():
    params = shipped_rules().detection
    fresh, half, grown = thresholds(params, 0), thresholds(params, params.warmup_hours / 2), \
        thresholds(params, params.warmup_hours + 1)
    assert fresh.score_needed(0.0) == params.min_score + params.cold_score_margin
    assert fresh.min_authors == params.min_authors + params.cold_author_margin
    assert half.score_needed(0.0) == pytest.approx(params.min_score + params.cold_score_margin / 2)
    assert grown.score_needed(0.0) == params.min_score and grown.min_authors == params.min_authors
    assert fresh.score_needed(1.0) == params.min_score  # hashtag / near-duplicate posts: no score margin
    # An hour of day not seen on an earlier day keeps the full margin until a day after warmup_hours.
    unseen = thresholds(params, params.warmup_hours - 1, seasonal_coverage=0.0)
    assert unseen.score_needed(0.0) == params.min_score + params.cold_unseen_hours * params.cold_score_margin
    assert thresholds(params, params.warmup_hours + 1, 0.5).score_needed(0.0) == \
        pytest.approx(params.min_score + params.cold_unseen_hours * params.cold_score_margin / 2)
    assert thresholds(params, params.warmup_hours + 25, 0.0).score_needed(0.0) == params.min_score
    # Windows longer than half the history are cut to half of it, so the older half is the baseline.
    assert effective_windows(params, 1.0) == [30.0]
    assert effective_windows(params, 4.0) == [60, 120.0]
    assert effective_windows(params, 24.0) == [60, 360]
    old = rules(cold_start="wait").detection
    assert effective_windows(old, 23.0) == [] and effective_windows(old, 24.0) == [60, 360]
    with pytest.raises(RulesError, match="cold_start"):
        rules(cold_start="later")


def _history_then_burst(detector: Detector, history_hours: float) -> list:
    """Steady posts of twenty common words for ``history_hours``, then 40 posts of a new word in the last hour."""
    start = T0 - timedelta(hours=history_hours)
    now = T0
    n = 0
    minutes = int(history_hours * 60)
    posts = []
    for minute in range(minutes):
        for k in range(2):
            n += 1
            posts.append(info(n, start + timedelta(minutes=minute, seconds=20 * k), {f"w{n % 20}"}))
    for k in range(40):
        n += 1
        posts.append(info(n, now - timedelta(minutes=40) + timedelta(minutes=k), {"新词", f"w{n % 20}"}))
    detector.observe(posts)
    detector.history.expire(now)
    return detector.candidates(detector._trim(now), now)


def test_the_same_unpropagated_burst_waits_for_history_but_not_forever():
    early = _history_then_burst(Detector(shipped_rules()), 1.5)
    late = _history_then_burst(Detector(shipped_rules()), 30)
    assert early == []
    assert [t.terms[0] for t in late] == ["新词"]


def test_the_background_prior_comes_from_document_frequencies():
    docs = [["今天", "天气"]] * 60 + [["今天", "派出所"]] * 30 + [["吃饭"]] * 10
    prior = BackgroundPrior(IdfTable.learn(docs, "test"))
    assert prior.share("今天") == pytest.approx(90.5 / 101, rel=1e-3)
    assert prior.share("派出所") == pytest.approx(30.5 / 101, rel=1e-3)
    assert prior.share("#派出所#") == prior.share("派出所")  # a hashtag of a known word
    unknown = prior.share("城关派出所辅警打人")
    assert unknown < prior.share("吃饭") and prior.share("簇#12") == unknown
    # With no local history the expectation is the background share (times the window's other posts) ...
    history = TermHistory(7, 5, floor_expected=2.0, prior_posts=200)
    now = T0 + hours(1)
    common = history.expectation("今天", 50, 100, T0, now, prior.share("今天"))
    assert common.expected == pytest.approx(50 * (200 * 90.5 / 101 + 0.5) / (201 - 200 * 90.5 / 101 - 0.5), rel=1e-3)
    assert common.ratio < 1  # a very common word is no burst
    # ... and local history outweighs it as it accumulates.
    for i in range(2000):
        history.add(info(i, T0 - timedelta(minutes=i % 600), {"今天"} if i % 10 == 0 else {"别的"}))
    learnt = history.expectation("今天", 5, 100, T0, now, prior.share("今天"))
    assert learnt.share < 0.2 < common.share


def test_running_totals_follow_the_buckets_as_they_expire():
    history = TermHistory(1, 5, 2.0)
    for i in range(72):
        history.add(info(i, T0 + hours(i), {"常用词", f"一次性{i}"}))
    history.expire(T0 + hours(71))
    kept = [h for h in history.buckets]
    assert history.post_total == sum(history.totals.values()) == len(kept) == 49
    assert history.term_totals["常用词"] == len(kept) and "一次性0" not in history.term_totals
