"""`zhengyu replay` + `zhengyu issues export` + `zhengyu detect` through the CLI runner, on both databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from sentiment.detect.pipeline import DetectionPipeline
from sentiment.detect.synthetic import Incident, generate_stream
from sentiment.replay import ReplaySummary, parse_record, read_stream, replay
from storage.models import Analysis, Issue, Post
from tests.sentiment.detect_helpers import REPO_ROOT, T0, KeywordAnalyzer, hours, shipped_rules, write_jsonl
from zhengyu.cli import cli
from zhengyu.clock import FrozenClock

INCIDENT = Incident("食堂", T0 + timedelta(days=2, hours=9), ("实验中学", "食堂变质"),
                    ("家长质疑", "学生呕吐", "要求彻查"), peak_per_hour=40)
BAD_LINES = [
    "{not json",
    json.dumps({"text": "没有 id", "published_at": "2026-05-01T00:00:00"}),
    json.dumps({"id": "x1", "text": "时间不对", "published_at": "昨天"}),
    json.dumps({"id": "x2", "text": "赞为负数", "published_at": "2026-05-01T00:00:00", "likes": -3}),
    json.dumps(["a", "list"]),
]


def cli_args(db_url, tmp_path):
    return ["--database-url", db_url, "--data-dir", str(tmp_path / "data"), "--config", str(REPO_ROOT / "config"),
            "--set", f"analysis.warning_rules_file={REPO_ROOT / 'config' / 'warning_rules.yaml'}",
            "--set", f"analysis.plans_dir={REPO_ROOT / 'config' / 'plans'}"]


@pytest.mark.slow
def test_replay_then_export_json(db_url, tmp_path, monkeypatch):
    analyzer = KeywordAnalyzer()
    monkeypatch.setattr("sentiment.detect.pipeline.default_analyzer", lambda settings: analyzer)
    stream = generate_stream(T0, days=3, per_day=400, incidents=[INCIDENT], seed=5)
    path = write_jsonl(tmp_path / "stream.jsonl", stream.records)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(BAD_LINES) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "replay", str(path), "--as-fast-as-possible"])
    assert result.exit_code == 0, result.output
    assert f"入库 {len(stream.records)} 条" in result.output and "有误 5 行" in result.output
    assert analyzer.calls == len(stream.records)  # every post went through the analyser

    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "issues", "export", "--format", "json"])
    assert result.exit_code == 0, result.output
    issues = json.loads(result.output)
    assert len(issues) == 1
    issue = issues[0]
    flagged = datetime.fromisoformat(issue["first_flagged_at"])
    assert INCIDENT.start < flagged <= INCIDENT.start + hours(3)  # stream time, not wall time
    assert "实验中学" in issue["keywords"] and "食堂变质" in issue["keywords"]
    assert "实验中学" in issue["title"] or "食堂变质" in issue["title"]
    assert issue["level_history"] and issue["level_history"][0]["from"] is None
    assert all(h["reason"] and h["rules_version"] for h in issue["level_history"])
    members = set(issue["member_post_ids"])
    assert members and members <= set(stream.truth[INCIDENT.name])

    # replaying the same file again stores nothing twice
    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "replay", str(path)])
    assert result.exit_code == 0 and f"已存在 {len(stream.records)} 条" in result.output

    # one live tick with an explicit time reads the store and keeps the issue
    at = (T0 + timedelta(days=3)).isoformat()
    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "detect", "--at", at])
    assert result.exit_code == 0, result.output
    assert "研判完成" in result.output
    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "issues", "list"])
    assert result.exit_code == 0 and "实验中学" in result.output


def test_replay_errors_are_one_chinese_line(tmp_path, monkeypatch):
    monkeypatch.setattr("sentiment.detect.pipeline.default_analyzer", lambda settings: KeywordAnalyzer())
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(BAD_LINES) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(cli, [*cli_args(url, tmp_path), "replay", str(path)])
    assert result.exit_code == 1
    assert "没有可回放的信息" in result.output
    result = CliRunner().invoke(cli, [*cli_args(url, tmp_path), "replay", str(path), "--speed", "5",
                                      "--as-fast-as-possible"])
    assert result.exit_code == 1 and "只能选一个" in result.output
    result = CliRunner().invoke(cli, [*cli_args(url, tmp_path), "plans", "preview", "(派出所 OR"])
    assert result.exit_code == 1 and "第 8 列" in result.output


def test_read_stream_keeps_good_lines_and_numbers_bad_ones(tmp_path):
    good = {"id": 1, "text": "臺灣 繁體 😀", "published_at": "2026-05-01T08:00:00", "platform": "weibo",
            "author": "u1", "parent_id": None, "likes": "3", "reposts": 0, "comments": None}
    path = tmp_path / "s.jsonl"
    path.write_bytes(("\ufeff" + json.dumps(good, ensure_ascii=False) + "\n\n" + "\n".join(BAD_LINES) + "\n")
                     .encode("utf-8") + b"\xff\xfe broken bytes\n")
    summary = ReplaySummary()
    posts = read_stream(path, ZoneInfo("Asia/Shanghai"), summary)
    assert len(posts) == 1 and posts[0].likes == 3 and posts[0].id == "1"
    assert posts[0].published_at.isoformat() == "2026-05-01T00:00:00+00:00"  # no offset: the configured zone
    assert [n for n, _ in summary.bad_lines] == [3, 4, 5, 6, 7, 8]
    assert any("published_at" in reason for _, reason in summary.bad_lines)


def test_speed_paces_stream_time_against_wall_time(session_factory):
    records = [{"id": str(i), "text": f"第{i}条", "published_at": (T0 + timedelta(minutes=10 * i)).isoformat()}
               for i in range(12)]
    posts = [parse_record(r, ZoneInfo("UTC")) for r in records]
    wall = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        wall[0] += seconds

    pipeline = DetectionPipeline(shipped_rules(), KeywordAnalyzer(), [])
    summary = replay(posts, session_factory, pipeline, FrozenClock(T0), author_key=b"test-key",
                     tick_minutes=10, speed=3600,
                     sleep=sleep, monotonic=lambda: wall[0])
    span = (summary.ticks - 1) * 600 / 3600  # stream seconds between first and last tick, at 3600x
    assert len(slept) == summary.ticks - 1
    assert sum(slept) == pytest.approx(span)
    assert summary.wall_seconds == pytest.approx(span)
    with session_factory() as session:
        assert session.scalar(select(func.count(Post.id))) == 12
        assert session.scalar(select(func.count(Analysis.post_id))) == 12
        assert session.scalar(select(func.count(Issue.id))) == 0


@pytest.mark.slow
def test_replay_real_topic_streams_with_the_production_analyzer(db_url, tmp_path, shared_data):
    """Real weibo2018 topic posts (real times) through the shipped analyser: bursts raise issues, 同济大学 does not."""
    import csv
    from collections import Counter

    rows = list(csv.DictReader(open(shared_data / "events" / "weibo2018_topics_with_time.csv", encoding="utf-8")))
    records = [{"id": r["mid"], "text": r["text"], "published_at": r["created_utc"] + "+00:00", "platform": "weibo",
                "author": r["mid"]} for r in rows]
    topic_of = {r["mid"]: r["topic"] for r in rows}
    path = write_jsonl(tmp_path / "topics.jsonl", records)
    runner = CliRunner()
    result = runner.invoke(cli, [*cli_args(db_url, tmp_path), "replay", str(path)])
    assert result.exit_code == 0, result.output
    issues = json.loads(runner.invoke(cli, [*cli_args(db_url, tmp_path), "issues", "export"]).output)
    leading = {}
    for issue in issues:
        topic, n = Counter(topic_of[m] for m in issue["member_post_ids"]).most_common(1)[0]
        assert n / len(issue["member_post_ids"]) >= 0.5, issue["title"]
        leading.setdefault(topic, datetime.fromisoformat(issue["first_flagged_at"]))
    assert {"周杰伦", "毕业"} <= set(leading)
    assert "同济大学" not in leading  # spread over a week, never more than 8 posts an hour
    # 周杰伦: 62 posts in 15:00–16:00 UTC, 毕业: 100 posts in 16:00–17:00 UTC on 2018-05-24
    assert leading["周杰伦"] <= datetime.fromisoformat("2018-05-24T17:00:00+00:00")
    assert leading["毕业"] <= datetime.fromisoformat("2018-05-24T18:00:00+00:00")
