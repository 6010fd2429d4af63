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
