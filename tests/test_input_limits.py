"""Hostile configuration and input files get a clear error, never a RecursionError or a hang: YAML and JSON nested
deeper than the parsers' recursion limit, and files far larger than any real configuration."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from sentiment.categories import CategoryClassifier, CategoryRulesError
from sentiment.detect.rules import RulesError, load_rules
from sentiment.plans.store import PlanFileError, load_plan_file
from sentiment.replay import ReplaySummary, read_stream
from zhengyu.cli.analysis import _parse_line
from zhengyu.errors import ConfigError
from zhengyu.settings import load_settings

DEEP_YAML = "a: " + "[" * 3_000 + "]" * 3_000 + "\n"
DEEP_JSON = '{"id": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.slow  # PyYAML needs seconds to reach its recursion limit
def test_deep_settings_yaml_is_a_config_error(tmp_path):
    (tmp_path / "settings.yaml").write_text(DEEP_YAML, encoding="utf-8")
    with pytest.raises(ConfigError, match="嵌套层数过多"):
        load_settings(tmp_path)


def test_huge_settings_yaml_is_a_config_error(tmp_path):
    (tmp_path / "settings.yaml").write_text("# " + "x" * 5_000_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="文件过大"):
        load_settings(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("loader, error", [
    (load_plan_file, PlanFileError),
    (CategoryClassifier.from_yaml, CategoryRulesError),
    (load_rules, RulesError),
])
def test_deep_yaml_in_rule_files_is_their_own_error(tmp_path, loader, error):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP_YAML, encoding="utf-8")
    with pytest.raises(error):
        loader(path)


def test_deep_json_lines_are_reported_and_skipped(tmp_path):
    path = tmp_path / "stream.jsonl"
    good = '{"id": "g", "text": "正常", "published_at": "2026-03-02T10:00:00+08:00"}'
    path.write_text(DEEP_JSON + "\n" + good + "\n", encoding="utf-8")
    summary = ReplaySummary()
    posts = read_stream(path, ZoneInfo("Asia/Shanghai"), summary)
    assert [p.id for p in posts] == ["g"]
    assert summary.bad_lines == [(1, "JSON 嵌套层数过多")]
    with pytest.raises(ValueError, match="嵌套层数过多"):
        _parse_line(DEEP_JSON, 1)
