"""``zhengyu crawl`` argument handling and the empty health table (no crawl needed)."""

from __future__ import annotations

from click.testing import CliRunner

from tests.crawlers.helpers import weibo_source, write_config
from zhengyu.cli import cli


def invoke(config, db_url, *args):
    return CliRunner().invoke(cli, ["--config", str(config), "--database-url", db_url, "crawl", *args])


def test_user_errors_are_one_chinese_line(tmp_path, db_url):
    config = write_config(tmp_path, [weibo_source("http://127.0.0.1:9")])
    unknown = invoke(config, db_url, "nope")
    assert unknown.exit_code == 1 and "未知的采集源：nope；已配置：t_weibo" in unknown.output
    nothing = invoke(config, db_url)
    assert nothing.exit_code == 1 and "请指定采集源名称" in nothing.output
    bad_time = invoke(config, db_url, "t_weibo", "--since", "yesterday")
    assert bad_time.exit_code == 1 and "--since 应为 ISO 8601 时间" in bad_time.output
    backwards = invoke(config, db_url, "t_weibo", "--since", "2026-03-02", "--until", "2026-03-01")
    assert backwards.exit_code == 1 and "--since 应早于 --until" in backwards.output
    assert all(len(r.output.strip().splitlines()) == 1 for r in (unknown, nothing, bad_time, backwards))


def test_broken_source_file_names_file_and_line(tmp_path, db_url):
    config = write_config(tmp_path, [])
    (config / "sources" / "broken.yaml").write_text("name: broken\nfamily: [weibo\n", encoding="utf-8")
    result = invoke(config, db_url, "broken")
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "YAML 语法错误" in result.output


def test_status_lists_configured_sources_that_never_ran(tmp_path, db_url):
    config = write_config(tmp_path, [weibo_source("http://127.0.0.1:9")])
    result = invoke(config, db_url, "--status")
    assert result.exit_code == 0, result.output
    header, row = result.output.strip().splitlines()
    assert header.split() == ["采集源", "类型", "启用", "最近成功", "连续失败", "上次条目", "已存条目", "状态与原因"]
    assert row.split()[:4] == ["t_weibo", "weibo", "是", "从未运行"]
