"""``zhengyu brief``: files written where asked, one JSON object with --json, one Chinese line on errors."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from docx import Document

from tests.publisher.briefs import seed
from tests.publisher.briefs.conftest import CONFIG_DIR
from zhengyu.cli import cli

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def run(db_url, tmp_path, *args):
    base = ["--config", str(CONFIG_DIR), "--database-url", db_url, "--data-dir", str(tmp_path / "data")]
    return CliRunner().invoke(cli, [*base, "brief", *args], catch_exceptions=False)


@pytest.mark.slow
def test_daily_and_issue_briefs_are_written_listed_and_exported(db_url, seeded, tmp_path, session_factory):
    target = tmp_path / "out" / "daily.docx"
    result = run(db_url, tmp_path, "daily", "--date", "2026-11-02", "--format", "docx", "-o", str(target), "--json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["kind"] == "daily" and made["number_text"] == "2026年第1期" and made["file"] == str(target)
    assert made["period_start"] == "2026-11-01T16:00:00+00:00" and made["figures"]["total"] > 0
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert seed.ISSUE_A in text and "2026年11月2日舆情" in text

    issue_id = seeded.issue_ids[seed.ISSUE_A]
    report = tmp_path / "issue.html"
    result = run(db_url, tmp_path, "issue", str(issue_id), "--format", "html", "-o", str(report))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已生成舆情专报（") and str(report) in result.output
    assert seed.ISSUE_A in report.read_text(encoding="utf-8")

    listed = json.loads(run(db_url, tmp_path, "list", "--json").output)["briefs"]
    assert [(b["kind"], b["formats"]) for b in listed] == [("issue", ["html"]), ("daily", ["docx"])]
    exported = tmp_path / "again.docx"
    result = run(db_url, tmp_path, "export", str(made["id"]), "--format", "docx", "-o", str(exported))
    assert result.exit_code == 0 and exported.read_bytes() == target.read_bytes()


def test_bad_input_is_one_chinese_line(db_url, tmp_path, engine):
    result = run(db_url, tmp_path, "daily", "--date", "2026/11/02", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and result.output.strip() == (
        "错误：--date 应为 YYYY-MM-DD 形式的日期，例如 2026-11-02，实际为 '2026/11/02'")
    result = run(db_url, tmp_path, "issue", "77", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and result.output.strip() == "错误：舆情事件 #77 不存在"
    result = run(db_url, tmp_path, "daily", "--by", "nobody", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "用户 nobody 不存在" in result.output
    result = run(db_url, tmp_path, "export", "5", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and result.output.strip() == "错误：简报 #5 不存在"
    assert not (tmp_path / "x.pdf").exists()
