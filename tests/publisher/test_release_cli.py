"""`zhengyu release …` and `zhengyu issues ack|assign|respond|close` end to end through the CLI runner,
including the shapes of their --json output and the Chinese one-line errors."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from docx import Document
from sqlalchemy import select

from storage import migrate
from storage.engine import make_engine, make_session_factory, session_scope
from storage.models import Account, AuditLog, Issue, Release, User
from zhengyu.cli import cli
from tests.conftest import REPO_ROOT
from tests.publisher.helpers import ARTICLE, image_bytes, write_article


@pytest.fixture
def zy(tmp_path):
    """Run `zhengyu ARGS` on a fresh SQLite store; returns (exit code, stdout, stderr)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as s:
        for name, roles in (("editor1", ["editor"]), ("rev1", ["reviewer"]), ("rev2", ["reviewer"]),
                            ("rev3", ["reviewer"]), ("analyst", ["analyst"])):
            s.add(User(username=name, display_name=f"{name}同志", roles=roles))
        s.add_all([Account(name="平安某市", appid="wx1", secret_env="S1"), Account(name="某市法院", appid="wx2", secret_env="S2")])
    engine.dispose()
    runner = CliRunner()
    base = ["--config", str(REPO_ROOT / "config"), "--data-dir", str(tmp_path / "data"), "--database-url", url]

    def run(*args):
        result = runner.invoke(cli, [*base, *map(str, args)])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    run.url = url
    return run


def test_the_whole_review_flow_from_the_command_line(zy, tmp_path):
    md = write_article(tmp_path / "article")
    code, out, err = zy("release", "create", md, "--by", "editor1", "--account", "平安某市", "--account", "某市法院",
                        "--cover", tmp_path / "article" / "cover.jpg", "--theme", "党政红", "--author", "某市公安局")
    assert code == 0, err
    rid = int(out.strip())
    assert "待初审" in err
    code, out, _ = zy("release", "check", rid, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["blocking"] == 0
    stages = []
    for who in ("rev1", "rev2", "rev3"):
        code, out, err = zy("release", "review", rid, "--by", who, "--approve", "--comment", "同意")
        assert code == 0, err
        stages.append(out.split("：")[0].split()[-1])
    assert stages == ["初审", "复审", "终审"]
    code, out, _ = zy("release", "show", rid, "--json")
    shown = json.loads(out)
    assert shown["id"] == rid and shown["status"] == "approved"
    assert [t["account"] for t in shown["targets"]] == sorted(["平安某市", "某市法院"])
    assert set(shown["targets"][0]) >= {"account", "status", "publish_id", "article_url"}
    assert [r["reviewer"] for r in shown["reviews"]] == ["rev1", "rev2", "rev3"]
    code, out, _ = zy("release", "list", "--json")
    assert [r["id"] for r in json.loads(out)["releases"]] == [rid]
    code, out, _ = zy("release", "list")
    assert f"#{rid}\t已通过终审" in out

    preview = tmp_path / "preview.html"
    assert zy("release", "preview", rid, "-o", preview)[0] == 0
    page = preview.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "data:image/jpeg;base64," in page and "关于开展" in page

    docx_path, pdf_path = tmp_path / "sheet.docx", tmp_path / "sheet.pdf"
    assert zy("release", "sheet", rid, "--format", "docx", "-o", docx_path)[0] == 0
    assert zy("release", "sheet", rid, "--format", "pdf", "-o", pdf_path)[0] == 0
    text = "\n".join(cell.text for table in Document(docx_path).tables for row in table.rows for cell in row.cells)
    assert "rev1同志（rev1）" in text and "终审" in text and shown["content_hash"] in text
    pdf_text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "权威发布稿件审核单" in pdf_text and "rev3同志" in pdf_text and shown["content_hash"][:32] in pdf_text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "Type 3" not in fonts, fonts  # Chinese set in an embedded CJK font, no fallback
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "page")],
                   check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000

    # an edit after approval goes back to 初审
    edited = tmp_path / "article" / "v2.md"
    edited.write_text(ARTICLE.replace("120", "121"), encoding="utf-8")
    code, out, err = zy("release", "edit", rid, edited, "--by", "editor1")
    assert code == 0 and "待初审" in out, err
    code, out, _ = zy("release", "review", rid, "--by", "rev1", "--reject", "--comment", "数字与通报不一致", "--json")
    rejected = json.loads(out)
    assert rejected["status"] == "draft" and rejected["reviews"][-1]["comment"] == "数字与通报不一致"


def test_check_exits_non_zero_on_a_block_and_warnings_are_overridden_with_a_reason(zy, tmp_path):
    md = write_article(tmp_path, "# 通报\n\n犯罪嫌疑人张三已被刑拘，联系电话 13800138000。\n")
    code, out, err = zy("release", "create", md, "--by", "editor1", "--account", "平安某市", "--cover", tmp_path / "cover.jpg")
    rid = int(out.strip())
    assert code == 0 and "草稿" in err
    code, out, _ = zy("release", "check", rid)
    assert code == 1
    assert "[必须修改] 正文第 3 行第 6 列" in out and "【张三】" in out and "[提醒]" in out and "刑事拘留" in out
    code, out, _ = zy("release", "check", rid, "--json")
    report = json.loads(out)
    assert code == 1 and report["blocking"] == 2 and report["findings"][0]["line"] == 3
    assert set(report["findings"][0]) >= {"check", "code", "severity", "message", "line", "column", "context", "key"}
    code, _, err = zy("release", "override", rid, "privacy:name_in_case", "--reason", "x" * 5, "--by", "editor1")
    assert code == 1 and "错误：" in err
    md.write_text("# 通报\n\n犯罪嫌疑人张某已被刑拘。\n", encoding="utf-8")
    code, out, _ = zy("release", "edit", rid, md, "--by", "editor1", "--json")
    assert json.loads(out)["status"] == "first_review"
    code, out, err = zy("release", "override", rid, "usage:刑拘", "--reason", "引用原文，保留", "--by", "editor1")
    assert code == 0, err
    assert "（已记录理由保留）" in zy("release", "check", rid)[1]


@pytest.mark.parametrize("case, expected", [
    ("gbk", "不是 UTF-8 编码"), ("missing_image", "找不到图片 images/没有.png"), ("big_image", "小于 1 MB"),
    ("gif_cover", None), ("webp_cover", "封面只支持"), ("unknown_account", "公众号 不存在 不存在"),
    ("unknown_user", "用户 nobody 不存在"), ("no_role", "无权执行此操作"), ("remote_image", "微信会过滤外部图片"),
])
def test_bad_input_gets_one_chinese_line_and_stores_nothing(zy, tmp_path, case, expected):
    md = write_article(tmp_path)
    args = ["--by", "editor1", "--account", "平安某市", "--cover", tmp_path / "cover.jpg"]
    if case == "gbk":
        md.write_bytes("# 通报\n\n正文".encode("gbk"))
    elif case == "missing_image":
        md.write_text("# 通报\n\n![x](images/没有.png)\n", encoding="utf-8")
    elif case == "big_image":
        (tmp_path / "images" / "现场.png").write_bytes(image_bytes("PNG", (700, 700), noise=True))
    elif case in ("gif_cover", "webp_cover"):
        kind = case.split("_")[0]
        cover = tmp_path / f"cover.{kind}"
        cover.write_bytes(image_bytes(kind.upper(), (300, 200)))
        args[-1] = cover
    elif case == "unknown_account":
        args[3] = "不存在"
    elif case == "unknown_user":
        args[1] = "nobody"
    elif case == "no_role":
        args[1] = "rev1"
    elif case == "remote_image":
        md.write_text("# 通报\n\n![x](https://example.org/a.png)\n", encoding="utf-8")
    code, out, err = zy("release", "create", md, *args)
    if expected is None:  # a GIF cover is allowed (permanent image material)
        assert code == 0, err
        return
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and expected in lines[0], err
    engine = make_engine(zy.url)
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalars(select(Release)).all() == []
    engine.dispose()


def test_unknown_release_and_missing_decision(zy):
    code, _, err = zy("release", "show", 42)
    assert code == 1 and "稿件 #42 不存在" in err
    code, _, err = zy("release", "review", 42, "--by", "rev1")
    assert code == 2 and "--approve" in err


def test_issue_handling_states_through_the_cli_and_export(zy, tmp_path):
    flagged = datetime(2026, 5, 1, 0, 0, tzinfo=timezone.utc)
    engine = make_engine(zy.url)
    with session_scope(make_session_factory(engine)) as s:
        issue = Issue(signature="s", title="某地派出所执法争议", keywords=["派出所", "执法"], first_seen_at=flagged,
                      last_seen_at=flagged, first_flagged_at=flagged, status="new")
        s.add(issue)
        s.flush()
        iid = issue.id
    code, out, err = zy("issues", "ack", iid, "--by", "analyst", "--json")
    assert code == 0 and json.loads(out)["status"] == "acknowledged", err
    assert zy("issues", "ack", iid, "--by", "analyst")[0] == 1  # only a new issue is acknowledged
    assert zy("issues", "assign", iid, "--to", "editor1", "--by", "analyst")[0] == 0
    md = write_article(tmp_path)
    code, out, err = zy("release", "create", md, "--by", "editor1", "--account", "平安某市", "--cover",
                        tmp_path / "cover.jpg", "--answers-issue", iid)
    rid = int(out.strip())
    with session_scope(make_session_factory(engine)) as s:
        assert s.get(Issue, iid).status == "responding" and s.get(Release, rid).answers_issue_id == iid
        from publisher.services.issues import record_answer_published

        record_answer_published(s, s.get(Release, rid), flagged + timedelta(hours=5, minutes=30))
    code, out, _ = zy("issues", "export", "--format", "json")
    row = json.loads(out)[0]
    assert row["status"] == "responded" and row["response_time_s"] == 5.5 * 3600
    assert row["first_flagged_at"] == flagged.isoformat() and row["answer_release_ids"] == [rid]
    assert row["answer_effect"]["basis"] == "members" and row["answer_effect"]["window_hours"] == 24
    code, out, _ = zy("issues", "close", iid, "--by", "analyst", "--reason", "已回应，舆情平息", "--json")
    assert json.loads(out)["status"] == "closed"
    with session_scope(make_session_factory(engine)) as s:
        trail = [(e.actor, e.action, e.detail.get("to")) for e in
                 s.scalars(select(AuditLog).where(AuditLog.object_type == "issue").order_by(AuditLog.id))]
    engine.dispose()
    assert trail == [("analyst", "issue.acknowledge", "acknowledged"), ("analyst", "issue.assign", None),
                     ("editor1", "issue.respond", "responding"), ("publisher", "issue.answer_published", "responded"),
                     ("analyst", "issue.close", "closed")]
