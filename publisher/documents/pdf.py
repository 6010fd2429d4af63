"""HTML → PDF with WeasyPrint, in a CJK font, so one Jinja template serves both the HTML and the PDF."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Noto CJK comes from Debian's fonts-noto-cjk (installed by .ci/setup); the others are fallbacks that some
# office machines have. A character none of them covers would show as a box, which the tests look for.
CJK_FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "WenQuanYi Zen Hei", serif'
CJK_SANS_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'

BASE_CSS = f"""
@page {{ size: A4; margin: 20mm 18mm; }}
body {{ font-family: {CJK_FONT_STACK}; font-size: 11pt; line-height: 1.6; }}
h1, h2, h3, th {{ font-family: {CJK_SANS_STACK}; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #888; padding: 4px 6px; vertical-align: top; }}
"""


def html_to_pdf(html: str, *, base_url: str | None = None, extra_css: str = "") -> bytes:
    """Render ``html`` (a whole document) to PDF bytes. ``base_url`` resolves relative image paths.

    Nothing is fetched from the network: only ``data:`` and ``file:`` URLs are allowed, so a hostile link
    in quoted text cannot make the server reach out."""
    from weasyprint import CSS, HTML, URLFetcher

    local_only = URLFetcher(allowed_protocols=("data", "file"))
    stylesheets = [CSS(string=BASE_CSS + extra_css, url_fetcher=local_only)]
    return HTML(string=html, base_url=base_url, url_fetcher=local_only).write_pdf(stylesheets=stylesheets)
