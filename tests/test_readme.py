"""The README cannot drift: its first lines are the two fresh-machine commands, and every command it shows exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhengyu.cli import cli

REPO_ROOT = Path(__file__).resolve().parent.parent
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _code_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        lines.extend(line.split("#")[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def test_first_lines_are_the_demo_and_test_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).splitlines()
    assert first_block[0].split("#")[0].strip() == "bash .ci/setup && .venv/bin/zhengyu demo"
    assert first_block[1].split("#")[0].strip() == "bash .ci/setup && bash .ci/test"
    ci_run = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/setup" in ci_run and "bash .ci/test" in ci_run  # CI runs exactly the README's test command
    for script in (".ci/setup", ".ci/test", ".ci/run"):
        assert (REPO_ROOT / script).is_file()


def _zhengyu_invocations() -> list[list[str]]:
    calls = []
    for line in _code_lines():
        for part in line.split("&&"):
            words = shlex.split(part.strip())
            if words and words[0] in ("zhengyu", ".venv/bin/zhengyu"):
                calls.append(words[1:])
    return calls


@pytest.mark.parametrize("args", _zhengyu_invocations(), ids=lambda a: " ".join(a) or "(none)")
def test_every_readme_command_parses(args, tmp_path, monkeypatch):
    """Resolve each shown command to a real (sub)command and check its arguments and options parse."""
    monkeypatch.chdir(tmp_path)
    for word in args:  # example input files stand in as empty files, so path arguments that must exist parse
        if re.fullmatch(r"[\w-]+\.(jsonl|html|csv|json)", word):
            (tmp_path / word).write_text("", encoding="utf-8")
    path = [word for word in args if not word.startswith("-")]
    command = cli
    resolved = []
    for word in path:
        if not hasattr(command, "commands") or word not in command.commands:
            break
        command = command.commands[word]
        resolved.append(word)
    assert resolved or not path, f"README shows an unknown command: zhengyu {' '.join(args)}"
    if not hasattr(command, "commands"):  # a leaf: its arguments and options must parse (raises UsageError if not)
        context = command.make_context("zhengyu", list(args[len(resolved):]))
        assert context.command is command
    result = CliRunner().invoke(cli, [*resolved, "--help"])
    assert result.exit_code == 0
