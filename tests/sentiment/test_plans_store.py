"""Plans as YAML files and MonitorPlan rows, stored matches per post, and the preview over recent days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sentiment.plans.store import (PlanFileError, active_plans, load_plan_dir, load_plan_file, preview,
                                   record_matches, sync_plans)
from sentiment.plans.matcher import compile_plan
from storage.engine import session_scope
from storage.models import MonitorPlan, PlanMatch
from tests.sentiment.detect_helpers import REPO_ROOT, T0, add_post
from zhengyu.clock import FrozenClock


def test_shipped_plan_files_parse():
    plans = load_plan_dir(REPO_ROOT / "config" / "plans")
    assert len(plans) >= 4
    assert all(p.category for p in plans)


def test_broken_plan_files_are_named_with_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 坏方案\nrule: (派出所 OR\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"bad.yaml.*第 \d+ 列"):
        load_plan_file(bad)
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match="YAML"):
        load_plan_file(bad)
    bad.write_bytes("name: 方案\nrule: 诈骗\n".encode("gbk"))
    with pytest.raises(PlanFileError, match="UTF-8"):
        load_plan_file(bad)
    bad.write_text("rule: 诈骗\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match="name"):
        load_plan_file(bad)


def test_sync_match_and_preview(session_factory, tmp_path):
    (tmp_path / "a.yaml").write_text(
        "name: 涉警\ncategory: 涉警\nrule: (派出所 OR 民警) AND 打人\nexclusions: [电视剧]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: 停用\nrule: 打人\nenabled: false\n", encoding="utf-8")
    clock = FrozenClock(T0 + timedelta(days=10))
    with session_scope(session_factory) as session:
        sync_plans(session, load_plan_dir(tmp_path))
        plans = active_plans(session)
        assert [p.name for p in plans] == ["涉警"]
        posts = [
            add_post(session, "1", "某派出所民警打人", clock.now() - timedelta(days=1)),
            add_post(session, "2", "电视剧里民警打人", clock.now() - timedelta(days=2)),
            add_post(session, "3", "民警打人视频", clock.now() - timedelta(days=9)),
            add_post(session, "4", "今天天气好", clock.now() - timedelta(hours=1)),
        ]
        hits = record_matches(session, posts, plans, clock.now())
        assert hits == {posts[0].id: ["涉警"], posts[2].id: ["涉警"]}
        record_matches(session, posts, plans, clock.now())  # idempotent
    with session_scope(session_factory) as session:
        stored = session.execute(select(PlanMatch.post_id)).scalars().all()
        assert sorted(stored) == sorted([posts[0].id, posts[2].id])
        result = preview(session, compile_plan("x", "民警 打人", ["电视剧"]), clock.now(), days=7)
        assert (result.scanned, result.hits) == (3, 1)
        assert sum(result.per_day.values()) == 1
        assert preview(session, compile_plan("x", "民警 打人"), clock.now(), days=30).hits == 3
    # a renamed rule updates the row instead of adding one
    (tmp_path / "a.yaml").write_text("name: 涉警\nrule: 民警\n", encoding="utf-8")
    with session_scope(session_factory) as session:
        sync_plans(session, load_plan_dir(tmp_path))
        rows = session.scalars(select(MonitorPlan).order_by(MonitorPlan.name)).all()
        assert [(r.name, r.rule) for r in rows] == [("停用", "打人"), ("涉警", "民警")]


def test_plans_check_command_reports_files_and_errors(tmp_path):
    from click.testing import CliRunner

    from zhengyu.cli import cli

    (tmp_path / "ok.yaml").write_text("name: 诈骗\nrule: 电诈 OR 杀猪盘\n", encoding="utf-8")
    args = ["--data-dir", str(tmp_path / "data"), "--set", f"analysis.plans_dir={tmp_path}", "plans", "check"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and "1 个监测方案" in result.output
    (tmp_path / "bad.yaml").write_text("name: 坏\nrule: 电诈 AND\n", encoding="utf-8")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "bad.yaml" in result.output and "第 7 列" in result.output
