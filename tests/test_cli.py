"""The CLI: help for every command, one-line errors, tracebacks only with --debug, real subcommands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from storage import migrate

from zhengyu.cli import cli

REQUIRED_COMMANDS = {"demo", "crawl", "analyze", "detect", "dashboard", "scheduler", "sandbox", "release",
                     "alerts", "db", "user"}


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


def test_required_commands_exist():
    assert REQUIRED_COMMANDS <= set(cli.commands)


@pytest.mark.parametrize("path", [p for p, _ in _all_commands(cli)], ids=" ".join)
def test_every_command_has_real_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    command = cli
    for part in path:
        command = command.commands[part]
    assert command.help and len(command.help.strip()) > 15


def test_broken_settings_file_gives_one_line_naming_the_key(tmp_path):
    (tmp_path / "settings.yaml").write_text("dashboard:\n  port: not-a-port\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "zhengyu", "--config", str(tmp_path), "config", "check"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "dashboard.port" in lines[0] and "Traceback" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "settings.yaml").write_text("dashboard:\n  port: not-a-port\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "zhengyu", "--debug", "--config", str(tmp_path), "config", "check"],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_bad_override_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(tmp_path), "--set", "nonsense", "config", "check"])
    assert result.exit_code == 1
    assert "键=值" in result.output


def test_db_upgrade_user_and_alerts_on_a_real_database(db_url, tmp_path):
    runner = CliRunner()
    base = ["--config", str(tmp_path), "--database-url", db_url]
    result = runner.invoke(cli, [*base, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert f"升级到 {head}" in result.output
    result = runner.invoke(cli, [*base, "user", "add", "lead1", "--name", "王主任", "--role", "leader"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, [*base, "user", "add", "lead1", "--name", "重复", "--role", "leader"])
    assert result.exit_code == 1 and "已存在" in result.output
    result = runner.invoke(cli, [*base, "user", "list"])
    assert "lead1" in result.output and "领导" in result.output

    from storage.engine import make_engine, make_session_factory, session_scope
    from storage.models import Alert

    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        s.add(Alert(kind="issue", level="red", dedup_key="k1", title="某地涉警舆情升温"))
    result = runner.invoke(cli, [*base, "alerts", "list"])
    assert "某地涉警舆情升温" in result.output and "待发送" in result.output and "\t红\t" in result.output
    result = runner.invoke(cli, [*base, "alerts", "ack", "1", "--by", "lead1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, [*base, "alerts", "list", "--status", "acknowledged"])
    assert "已确认" in result.output
    result = runner.invoke(cli, [*base, "alerts", "ack", "999", "--by", "lead1"])
    assert result.exit_code == 1 and "不存在" in result.output
    engine.dispose()


def test_sandbox_says_plainly_that_it_is_not_there_yet():
    result = CliRunner().invoke(cli, ["sandbox"])
    assert result.exit_code == 1 and "尚未提供" in result.output


def test_config_docs_matches_the_committed_table():
    result = CliRunner().invoke(cli, ["config", "docs"])
    doc = (Path(__file__).resolve().parent.parent / "docs" / "settings.md").read_text(encoding="utf-8")
    assert result.output == doc


def test_demo_outside_the_project_says_where_the_configuration_is(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "missing"), "--data-dir", str(tmp_path / "data"),
                                      "demo", "--no-dashboard"])
    assert result.exit_code == 1
    assert "找不到配置目录" in result.output and "--config" in result.output
    assert not (tmp_path / "data" / "zhengyu.db").exists()
