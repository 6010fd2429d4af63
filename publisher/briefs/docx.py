"""DOCX of a brief (python-docx), block by block from the same content the HTML shows."""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from publisher.briefs.content import BriefContent, Chart, Figures, Paragraph, Quotes, Subheading, Table
from publisher.documents.docx import add_hyperlink, bottom_rule, cjk_document

RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x44, 0x44, 0x44)
LEVEL_COLOURS = {"red": RGBColor(0xC0, 0x39, 0x2B), "orange": RGBColor(0xD3, 0x54, 0x00),
                 "yellow": RGBColor(0xB7, 0x95, 0x0B), "green": RGBColor(0x1E, 0x84, 0x49),
                 "blue": RGBColor(0x24, 0x71, 0xA3)}
TEXT_WIDTH = Cm(16)


def _centered(document, text: str, size: float, *, bold: bool = False, colour: RGBColor | None = None):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def _header(document, brief: BriefContent) -> None:
    if brief.classification:
        document.add_paragraph(brief.classification)
    _centered(document, brief.title, 30, bold=True, colour=RED)
    _centered(document, brief.number_text, 11)
    issuer = document.add_paragraph()
    issuer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issuer.add_run(f"{brief.unit}\t{brief.date_text}")
    bottom_rule(issuer)
    subject = f"{brief.subject}舆情" if brief.kind == "daily" else f"关于“{brief.subject}”的舆情专报"
    _centered(document, subject, 16, bold=True)
    period = _centered(document, brief.period_text, 9.5)
    period.runs[0].font.color.rgb = GREY


def _grid(document, header: tuple[str, ...] | None, rows) -> None:
    width = len(header) if header else len(rows[0])
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    document.add_paragraph()


def _quotes(document, block: Quotes) -> None:
    if not block.items:
        document.add_paragraph(block.empty_text)
        return
    for item in block.items:
        meta = document.add_paragraph()
        run = meta.add_run(f"{item.source} · {item.time} · {item.note}" + (" · 节选" if item.cut else ""))
        run.font.size, run.font.color.rgb = Pt(9), GREY
        if item.title:
            document.add_paragraph().add_run(item.title).bold = True
        text = document.add_paragraph(item.text + ("……" if item.cut else ""))
        text.paragraph_format.left_indent = Cm(0.6)
        link = document.add_paragraph("原文链接：")
        add_hyperlink(link, item.url)


def _block(document, block) -> None:
    if isinstance(block, Paragraph):
        document.add_paragraph(block.text)
    elif isinstance(block, Subheading):
        heading = document.add_heading(block.text, level=2)
        colour = LEVEL_COLOURS.get(block.level_code or "")
        for run in heading.runs:
            run.font.color.rgb = colour or RGBColor(0, 0, 0)
    elif isinstance(block, Figures):
        _grid(document, None, [(label, value) for _key, label, value in block.rows])
    elif isinstance(block, Table):
        if block.rows:
            _grid(document, block.columns, block.rows)
        else:
            document.add_paragraph(block.empty_text)
    elif isinstance(block, Chart):
        document.add_picture(io.BytesIO(block.png), width=TEXT_WIDTH)
        document.inline_shapes[-1]._inline.docPr.set("descr", f"{block.title}：{block.description}")
    elif isinstance(block, Quotes):
        _quotes(document, block)
    else:
        raise TypeError(f"unknown brief block {type(block).__name__}")


def render_docx(brief: BriefContent) -> bytes:
    document = cjk_document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    _header(document, brief)
    if brief.empty_message:
        _centered(document, brief.empty_message, 14)
    for part in brief.sections:
        heading = document.add_heading(part.heading, level=1)
        for run in heading.runs:
            run.font.color.rgb = RGBColor(0, 0, 0)
        for block in part.blocks:
            _block(document, block)
    notes = document.add_paragraph()
    notes.add_run("说明：").bold = True
    for number, note in enumerate(brief.notes, 1):
        document.add_paragraph(f"{number}. {note}").runs[0].font.size = Pt(9)
    document.add_paragraph(brief.generated_text).runs[0].font.size = Pt(9)
    document.core_properties.title = f"{brief.title} {brief.number_text}"
    document.core_properties.author = brief.unit
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
