"""Parsing and cleaning HTML for extraction, and turning element subtrees into text."""

from __future__ import annotations

import logging
import re

from lxml import etree, html

log = logging.getLogger(__name__)

# Never content: code, widgets and embedded frames.
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "canvas", "template",
              "select", "textarea", "button", "input", "link")
# Block-level tags: a paragraph boundary when rendering text.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tbody", "thead", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "figure", "figcaption", "center", "form", "br", "hr", "body", "html",
})
# huge_tree: without it libxml2 silently drops everything nested deeper than 255 levels (broken pages with
# thousands of unclosed <font>/<div> tags exist in the wild).
_PARSER = html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# A line break between two CJK characters renders as nothing (CSS Text segment-break rules), not as a space.
_CJK_BREAK_RE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t\r]*\n\s*(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")


def parse(markup: str) -> html.HtmlElement | None:
    """Parse possibly malformed HTML into a tree; None when there is nothing to parse."""
    markup = _CONTROL_RE.sub("", _XML_DECL_RE.sub("", markup or "", count=1))
    if not markup.strip():
        return None
    try:
        root = html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparseable page: %s", exc)
        return None
    return root


def clean(root: html.HtmlElement) -> None:
    """Remove code, comments and widgets in place (their tails, i.e. the text after them, are kept)."""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS, with_tail=False)


def tag_of(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def squeeze(text: str) -> str:
    """Collapse runs of spaces (ASCII, full-width, nbsp) to one and trim."""
    return _SPACE_RE.sub(" ", text).strip()


def node_text(el) -> str:
    """All text of a subtree on one line, all whitespace (newlines included) collapsed to single spaces."""
    return " ".join("".join(el.itertext()).split())


def paragraphs(el, skip=None) -> list[str]:
    """The text of a subtree split at block boundaries; ``skip(element)`` true leaves a subtree out.

    Iterative (``iterwalk``), so pathologically deep pages cannot exhaust the Python stack.
    """
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = squeeze(_CJK_BREAK_RE.sub("", "".join(buf)).replace("\n", " "))
        if line:
            out.append(line)
        buf.clear()

    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = tag_of(node)
        if event == "start":
            if not tag or (skip is not None and skip(node)) or is_hidden(node):
                walker.skip_subtree()
                # a skipped element gets no "end" event: its tail still belongs to the text
                if node is not el and node.tail:
                    buf.append(node.tail)
                continue
            if tag in BLOCK_TAGS:
                flush()
            if node.text:
                buf.append(node.text)
        else:
            if tag in BLOCK_TAGS:
                flush()
            if node is not el and node.tail:
                buf.append(node.tail)
    flush()
    return out
