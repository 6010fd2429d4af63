"""The signed review sheet (审核单) of a release, as DOCX (python-docx) and PDF (WeasyPrint from a Jinja
template), both from the same facts (``publisher.sheet.facts``)."""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from publisher.documents.docx import cjk_document
from publisher.documents.pdf import html_to_pdf
from publisher.sheet.facts import SheetFacts, sheet_facts
from storage.models import Release
from zhengyu.clock import SystemClock

SHEET_CSS = ".hash { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; word-break: break-all; }"


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("publisher.sheet", "templates"), autoescape=select_autoescape(["html"]))


def sheet_html(facts: SheetFacts) -> str:
    return _environment().get_template("review_sheet.html").render(f=facts)


def sheet_pdf(facts: SheetFacts) -> bytes:
    return html_to_pdf(sheet_html(facts), extra_css=SHEET_CSS)


def _table(document, rows: list[list[str]], header: bool = True) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if header and r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def sheet_docx(facts: SheetFacts) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = cjk_document()
    title = document.add_heading("权威发布稿件审核单", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(f"（三审三校）　稿件编号 #{facts.release_id}")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(document, [["稿件标题", facts.title], ["发布公众号", facts.accounts], ["署名作者", facts.author or "—"],
                      ["撰稿人", facts.creator or "—"], ["创建时间", facts.created_at], ["当前状态", facts.status],
                      ["内容指纹（SHA-256）", facts.content_hash]], header=False)
    document.add_heading("审核签署", level=2)
    _table(document, [["环节", "审核人", "时间", "结论", "意见", "签署时内容指纹"]]
           + [[r.stage, r.reviewer, r.at, r.decision, r.comment, r.content_hash] for r in facts.stages])
    document.add_paragraph("本轮全部签署的内容指纹与稿件当前内容一致。" if facts.hash_matches else
                           "注意：本轮签署不完整，或签署后稿件内容已改变（内容指纹不一致），不能发布。")
    if facts.history:
        document.add_heading("历次审核记录", level=2)
        _table(document, [["环节", "审核人", "时间", "结论", "意见"]]
               + [[r.stage, r.reviewer, r.at, r.decision, r.comment] for r in facts.history])
    document.add_paragraph(f"生成时间：{facts.generated_at}（{facts.timezone}）。审核记录取自政舆系统的审核签署与审计日志。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_sheet(session: Session, release: Release, fmt: str, *, timezone: str,
                 now: datetime | None = None) -> bytes:
    facts = sheet_facts(session, release, timezone, now or SystemClock().now())
    if fmt == "docx":
        return sheet_docx(facts)
    if fmt == "pdf":
        return sheet_pdf(facts)
    raise ValueError(f"unknown sheet format {fmt!r}")
