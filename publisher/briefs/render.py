"""One entry point for the three formats of a brief, with their file types."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.briefs.content import BriefContent


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    suffix: str


FORMATS = {
    "html": Format("html", "text/html; charset=utf-8", ".html"),
    "docx": Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "pdf": Format("pdf", "application/pdf", ".pdf"),
}


def render(brief: BriefContent, fmt: str) -> bytes:
    if fmt == "html":
        from publisher.briefs.html import render_html

        return render_html(brief).encode("utf-8")
    if fmt == "docx":
        from publisher.briefs.docx import render_docx

        return render_docx(brief)
    if fmt == "pdf":
        from publisher.briefs.pdf import render_pdf

        return render_pdf(brief)
    raise ValueError(f"unknown brief format {fmt!r}; expected one of {', '.join(FORMATS)}")


def filename(brief: BriefContent, fmt: str) -> str:
    return brief.filename_stem + FORMATS[fmt].suffix
