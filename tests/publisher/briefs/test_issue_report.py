"""The issue report (舆情专报): one issue up to the moment of writing, its figures recomputed from the rows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from publisher.services import briefs
from storage.access import SYSTEM_ACTOR
from storage.engine import session_scope
from storage.models import Analysis, IssueLevelChange, IssueMember, Post
from tests.publisher.briefs import seed
from tests.publisher.briefs.inspect_docs import (
    docx_texts, figure_cells, html_tree, pdf_fonts, pdf_text, squeezed, table_rows, uncovered_characters,
)
from zhengyu.clock import FrozenClock

NOW = datetime(2026, 11, 3, 1, 0, tzinfo=timezone.utc)  # 09:00 in Beijing, the morning after


def moment(post: Post) -> datetime:
    return post.published_at or post.fetched_at


def _report(session_factory, seeded, settings, formats):
    issue_id = seeded.issue_ids[seed.ISSUE_A]
    with session_scope(session_factory) as session:
        info = briefs.generate_issue_report(session, SYSTEM_ACTOR, settings, issue_id, formats=formats,
                                            clock=FrozenClock(NOW))
        files = {f: briefs.brief_file(session, SYSTEM_ACTOR, info.id, f).data for f in formats}
        member_ids = set(session.scalars(select(IssueMember.post_id).where(IssueMember.issue_id == issue_id)))
        members = [p for p in session.scalars(select(Post)) if p.id in member_ids and moment(p) < NOW]
        labels = {a.post_id: a.label for a in session.scalars(select(Analysis))}
        changes = session.scalars(select(IssueLevelChange).where(IssueLevelChange.issue_id == issue_id)
                                  .order_by(IssueLevelChange.at)).all()
    return issue_id, info, files, members, labels, changes


def test_the_issue_report_is_the_issues_own_figures(session_factory, seeded, brief_settings):
    issue_id, info, files, members, labels, changes = _report(session_factory, seeded, brief_settings(),
                                                              ["html", "docx"])
    tree = html_tree(files["html"].decode("utf-8"))
    cells = figure_cells(tree)
    counts = Counter(labels[p.id] for p in members if p.id in labels)
    assert cells[f"issue{issue_id}_total"] == f"{len(members)} 条"
    assert cells[f"issue{issue_id}_posts"] == f"{len(members)} 条"  # the report covers the whole issue
    assert cells[f"issue{issue_id}_negative"] == f"{counts['neg'] / sum(counts.values()) * 100:.1f}%"
    assert cells[f"issue{issue_id}_level"] == "红色" and cells[f"issue{issue_id}_heat"] == "72.5"
    recent = sum(1 for p in members if NOW - timedelta(hours=24) <= moment(p))
    before = sum(1 for p in members if NOW - timedelta(hours=48) <= moment(p) < NOW - timedelta(hours=24))
    delta = recent - before
    change = (f"较此前24小时{'增加' if delta > 0 else '减少'} {abs(delta)} 条" +
              (f"（{delta / before * 100:+.1f}%）" if before else "")) if delta else "与此前24小时持平"
    assert cells["recent"] == f"{recent} 条，{change}"
    assert [row[0] for row in table_rows(tree, f"issue{issue_id}_timeline")] == [
        c.at.astimezone(seed.TZ).strftime("%Y-%m-%d %H:%M") for c in changes]
    assert table_rows(tree, "responses")[0][:5] == [seed.RELEASE_TITLE, seed.ISSUE_A, "2026-11-02 09:00",
                                                    "2026-11-02 16:30", "7小时30分钟"]
    assert table_rows(tree, "awaiting") == []  # answered
    # 首发: the earliest member that can be quoted with its link.
    linkable = sorted((p for p in members if not p.deleted and (p.url or "").startswith("http")),
                      key=lambda p: (moment(p), p.id))
    section = tree.xpath("//section[h2[text()='六、首发与代表性信息']]")[0]
    assert section.xpath(".//blockquote")[0].xpath(".//a")[0].get("href") == linkable[0].url
    assert info.kind == "issue" and info.issue_id == issue_id and info.number == 1
    paragraphs, tables, _document = docx_texts(files["docx"])
    assert "关于“某地派出所民警执法争议”的舆情专报" in paragraphs
    assert {row[0]: row[1] for t in tables for row in t if len(row) == 2}["累计相关信息"] == f"{len(members)} 条"
    with session_scope(session_factory) as session:
        again = briefs.generate_issue_report(session, SYSTEM_ACTOR, brief_settings(), issue_id, formats=["html"],
                                             clock=FrozenClock(NOW + timedelta(hours=2)))
    assert again.number == 2 and again.id != info.id  # each report is a new issue of the 专报


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_issue_report_pdf_carries_its_title_with_every_glyph(session_factory, seeded, brief_settings, tmp_path):
    _issue_id, _info, files, _members, _labels, _changes = _report(session_factory, seeded, brief_settings(),
                                                                   ["pdf"])
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(files["pdf"])
    text = pdf_text(pdf)
    flat = squeezed(text)
    assert "舆情专报" in flat and seed.ISSUE_A in flat and seed.RELEASE_TITLE in flat
    fonts = pdf_fonts(pdf)
    assert all(f["embedded"] == "yes" for f in fonts) and any("CJK-SC" in f["name"] for f in fonts)
    assert uncovered_characters(text, [f["name"] for f in fonts]) == set()
