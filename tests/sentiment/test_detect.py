"""Emerging-issue detection with a frozen clock: bursts, quiet nights, levels with reasons, cooling, alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sentiment.detect.heat import IssueFigures, heat
from sentiment.detect.lifecycle import LevelEvent, grade_issue, raise_alerts
from sentiment.detect.pipeline import DetectionPipeline
from sentiment.detect.rules import RulesError, parse_rules
from sentiment.detect.signals import PostInfo, TermHistory
from sentiment.detect.synthetic import Incident, generate_stream
from sentiment.replay import parse_record, replay
from storage.engine import session_scope
from storage.models import Alert, Issue, IssueLevelChange, IssueMember, IssueSnapshot, Post
from tests.sentiment.detect_helpers import T0, KeywordAnalyzer, hours, rules, shipped_rules
from zhengyu.clock import FrozenClock

from zoneinfo import ZoneInfo

INCIDENT = Incident("派出所打人", T0 + timedelta(days=2, hours=14), ("城关派出所", "辅警打人"),
                    ("视频曝光", "群众围观", "要求公开处理", "当事人受伤"), peak_per_hour=40)


def run_stream(session_factory, records, table=None):
    pipeline = DetectionPipeline(table or shipped_rules(), KeywordAnalyzer(), [])
    posts = [parse_record(r, ZoneInfo("UTC")) for r in records]
    return replay(posts, session_factory, pipeline, FrozenClock(posts[0].published_at), author_key=b"test-key",
                  tick_minutes=20)


@pytest.mark.slow
def test_a_burst_becomes_one_issue_early_with_levels_reasons_deadline_and_alert(session_factory):
    stream = generate_stream(T0, days=3, per_day=500, incidents=[INCIDENT], seed=3)
    summary = run_stream(session_factory, stream.records)
    assert summary.stored == len(stream.records)
    with session_factory() as session:
        issues = session.scalars(select(Issue)).all()
        assert len(issues) == 1, [i.title for i in issues]
        issue = issues[0]
        assert INCIDENT.start < issue.first_flagged_at <= INCIDENT.start + hours(3)
        assert "城关派出所" in issue.title or "辅警打人" in issue.title
        assert {"城关派出所", "辅警打人"} <= set(issue.keywords)
        members = set(session.scalars(select(Post.external_id).join(IssueMember, IssueMember.post_id == Post.id)))
        truth = set(stream.truth[INCIDENT.name])
        assert len(members & truth) / len(members) > 0.95
        assert len(members & truth) / len(truth) > 0.8
        changes = session.scalars(select(IssueLevelChange).order_by(IssueLevelChange.at)).all()
        assert changes[0].from_level is None and changes[0].to_level in ("red", "yellow")
        assert all(c.rules_version == shipped_rules().version and "规则" in c.reason for c in changes
                   if c.to_level is not None)
        assert issue.level_reason == changes[-1].reason
        assert issue.response_due_at is not None and issue.response_due_at > issue.first_flagged_at
        assert issue.negative_share > 0.9
        alerts = session.scalars(select(Alert)).all()
        assert alerts and all(a.kind == "issue" and a.issue_id == issue.id for a in alerts)
        assert len({a.dedup_key for a in alerts}) == len(alerts)
        assert session.scalar(select(IssueSnapshot.id).where(IssueSnapshot.issue_id == issue.id)) is not None


@pytest.mark.slow
def test_quiet_background_with_night_coincidences_and_morning_greetings_raises_nothing(session_factory):
    stream = generate_stream(T0, days=4, per_day=500, incidents=[], seed=11)
    run_stream(session_factory, stream.records)
    with session_factory() as session:
        assert session.scalars(select(Issue.title)).all() == []
        assert session.scalars(select(Alert)).all() == []


def info(i, at, terms, author=None):
    return PostInfo(i, at, frozenset(terms), "neu", 0, "weibo", "netizen", author or f"a{i}", (), "", ())


def test_quiet_night_floor_and_seasonal_baseline():
    history = TermHistory(baseline_days=7, seasonal_prior=30, floor_expected=2.0)
    n = 0
    for day in range(3):
        for hour in range(24):
            at = T0 + timedelta(days=day, hours=hour, minutes=5)
            volume = 5 if hour < 6 else 60
            for k in range(volume):
                n += 1
                terms = {"早安"} if (hour == 8 and k < 30) else {f"w{k % 20}"}
                history.add(info(n, at + timedelta(seconds=k), terms))
    now = T0 + timedelta(days=3, hours=9)
    start = now - timedelta(hours=1)
    greeting = history.expectation("早安", 30, 60, start, now)
    assert greeting.ratio < 1.5  # the morning greeting is expected at 8 o'clock
    night_now = T0 + timedelta(days=3, hours=3)
    night = history.expectation("w1", 4, 6, night_now - timedelta(hours=1), night_now)
    assert night.expected == 2.0 and night.score < 2  # four posts at night are not a burst
    novel = history.expectation("新词", 40, 80, start, now)
    params = shipped_rules().detection
    assert novel.ratio > params.min_ratio and novel.score > params.min_score


def make_issue(session, now, **fields):
    issue = Issue(signature="t", title="测试话题", keywords=["测试"], first_seen_at=now, last_seen_at=now,
                  first_flagged_at=now, post_count=fields.pop("post_count", 10), negative_share=0.0,
                  detail={"terms": ["测试"], "stats": {"neg": 0, "engagement": 0, "platforms": ["weibo"],
                                                       "official": False, "categories": {}, "keywords": {}}},
                  **fields)
    session.add(issue)
    session.flush()
    return issue


def test_level_rises_with_reason_falls_only_after_hold_then_cools_and_closes(session_factory):
    table = shipped_rules()
    clock = FrozenClock(T0)
    with session_scope(session_factory) as session:
        issue = make_issue(session, clock.now())
        assert grade_issue(session, issue, 1, table, clock.now()) is None  # green does not alert
        assert issue.level == "green"
        issue.post_count, issue.negative_share = 800, 0.8
        detail = dict(issue.detail)
        detail["stats"] = {**detail["stats"], "official": True, "platforms": ["weibo", "news", "douyin"],
                           "engagement": 50000}
        issue.detail = detail
        clock.advance(hours(1))
        event = grade_issue(session, issue, 150, table, clock.now())
        assert event is not None and event.level == "red" and issue.level == "red"
        assert "热度" in issue.level_reason and table.version in issue.level_reason
        assert issue.response_due_at == clock.now() + hours(2)
        due = issue.response_due_at
        clock.advance(hours(1))  # volume stops: heat falls, but the level holds for downgrade_after_hours
        issue.last_seen_at = clock.now()
        grade_issue(session, issue, 0, table, clock.now())
        assert issue.level == "red"
        clock.advance(hours(6))
        grade_issue(session, issue, 0, table, clock.now())
        assert issue.level in ("yellow", "green") and "回落" in issue.level_reason
        assert issue.response_due_at == due  # a lower level never extends the deadline
        assert issue.detail["cooling"] is True
        clock.advance(hours(48))
        grade_issue(session, issue, 0, table, clock.now())
        assert issue.status == "closed" and issue.closed_at == clock.now() and issue.level is None
        history = session.scalars(select(IssueLevelChange).where(IssueLevelChange.issue_id == issue.id)
                                  .order_by(IssueLevelChange.id)).all()
        assert [h.to_level for h in history][:2] == [("green"), "red"]
        assert history[-1].to_level is None and "无新增" in history[-1].reason
        assert len(session.scalars(select(IssueSnapshot)).all()) == 5


def test_alerts_are_deduplicated_and_grouped_beyond_the_limit(session_factory):
    table = rules(max_alerts_per_tick=1)
    now = T0
    with session_scope(session_factory) as session:
        issues = [make_issue(session, now, level="red", heat=90 - i) for i in range(3)]
        events = [LevelEvent(i, "red", "红色：热度高") for i in issues]
        created = raise_alerts(session, events, table, now)
        session.flush()
        assert len(created) == 2
        single = [a for a in created if a.issue_id is not None]
        digest = [a for a in created if a.issue_id is None]
        assert single[0].issue_id == issues[0].id and single[0].dedup_key == f"issue:{issues[0].id}:red"
        assert digest[0].detail["issue_ids"] == [issues[1].id, issues[2].id]
        assert raise_alerts(session, events, table, now + hours(1)) == []  # nobody is alerted twice


def test_four_level_scheme_and_broken_tables():
    four = shipped_rules("four")
    assert [lv.name for lv in four.levels] == ["红", "橙", "黄", "蓝"]
    level, reason = four.grade({"heat": 62.0, "negative_share": 0.1})
    assert level.code == "orange" and "热度 62.0 >= 60" in reason
    base = {"version": "1", "schemes": {"three": [{"code": "g", "name": "绿", "when": [{}]}]}}
    assert parse_rules(base).grade({})[0].code == "g"
    with pytest.raises(RulesError, match="version"):
        parse_rules({**base, "version": ""})
    with pytest.raises(RulesError, match="无条件"):
        parse_rules({**base, "schemes": {"three": [{"code": "r", "name": "红", "when": [{"heat": 50}]}]}})
    with pytest.raises(RulesError, match="未知的指标"):
        parse_rules({**base, "schemes": {"three": [{"code": "r", "name": "红", "when": [{"hot": 1}]},
                                                   {"code": "g", "name": "绿", "when": [{}]}]}})
    with pytest.raises(RulesError, match="数值"):
        parse_rules({**base, "schemes": {"three": [{"code": "r", "name": "红", "when": [{"heat": "很高"}]},
                                                   {"code": "g", "name": "绿", "when": [{}]}]}})
    with pytest.raises(RulesError, match="four"):
        parse_rules(base, scheme="four")


def test_heat_grows_with_each_component_and_category_weight():
    table = shipped_rules()
    base = IssueFigures(50, 5, 1.0, 100, 0.2, 1, False, None, 0.0)
    h0 = heat(base, table.heat, table.category_weights)
    for change in ({"post_count": 500}, {"window_count": 100}, {"engagement": 50000}, {"negative_share": 0.9},
                   {"source_count": 4}, {"official_involved": True}, {"category": "群体性事件"}):
        assert heat(IssueFigures(**{**base.__dict__, **change}), table.heat, table.category_weights) > h0, change
    assert 0 <= h0 <= 100
