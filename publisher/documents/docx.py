"""python-docx helpers: a document whose every run uses a CJK font for East Asian text."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

CJK_FONT = "Noto Serif CJK SC"
LATIN_FONT = "Times New Roman"


def cjk_document(font: str = CJK_FONT, size_pt: float = 11) -> Document:
    """A new document whose default style writes Chinese in ``font`` (Word ignores the plain font name for
    East Asian characters unless ``w:eastAsia`` is set, and falls back to a font that may lack them)."""
    from docx.shared import Pt

    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        try:
            style = document.styles[style_name]
        except KeyError:
            continue
        style.font.name = LATIN_FONT
        if style_name == "Normal":
            style.font.size = Pt(size_pt)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font)
    return document


def add_hyperlink(paragraph, url: str, text: str | None = None):
    """Append a clickable external link (python-docx has no API for one) in the usual blue underline."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    run.append(props)
    text_element = OxmlElement("w:t")
    text_element.text = text if text is not None else url
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
    return link


def bottom_rule(paragraph, colour: str = "C00000", size_eighths: int = 12) -> None:
    """A rule under the paragraph (the red line under an official document's masthead)."""
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1"), ("w:color", colour)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
