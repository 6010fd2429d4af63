"""PDF of a brief: its HTML through the shared WeasyPrint helper (CJK fonts, no network fetches)."""

from __future__ import annotations

from publisher.briefs.content import BriefContent
from publisher.briefs.html import render_html
from publisher.documents.pdf import html_to_pdf

PRINT_CSS = """
body { max-width: none; }
.issuer { display: block; overflow: hidden; }
.issuer .unit { float: left; } .issuer .date { float: right; }
h2, h3 { page-break-after: avoid; }
blockquote, figure, tr { page-break-inside: avoid; }
@page { @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; } }
"""


def render_pdf(brief: BriefContent) -> bytes:
    return html_to_pdf(render_html(brief), extra_css=PRINT_CSS)
