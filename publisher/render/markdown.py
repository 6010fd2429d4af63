"""Markdown → an HTML fragment: CommonMark with tables, raw HTML escaped, images resolved by the caller.

The author of a release writes Markdown, not HTML: ``html`` is off, so ``<script>`` or ``<iframe>`` in the
source is shown as text, and markdown-it's link validation drops ``javascript:``/``vbscript:``/``file:``
links. What is left is a small, known set of tags, which the theme then styles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token


@dataclass(frozen=True)
class Reference:
    """An image or link in the Markdown, with where it was written (1-based line and column)."""

    kind: str  # image | link
    url: str  # as markdown-it normalised it (percent-encoded); the key of a body image's ReleaseAsset.ref
    text: str
    line: int
    column: int

    @property
    def path(self) -> str:
        """The URL as the author wrote it (percent-decoding undone), e.g. a relative file path."""
        return unquote(self.url)


def _render_image(renderer, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = env["resolve_image"](token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}">'


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    return md


_PARSER = parser()


def strip_leading_title(markdown: str, title: str) -> str:
    """The Markdown without a first-level heading at its top that repeats ``title`` (WeChat shows the title
    above the body already)."""
    tokens = _PARSER.parse(markdown)
    if (len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
            and tokens[1].content.strip() == title.strip() and tokens[0].map):
        lines = markdown.splitlines(keepends=True)
        return "".join(lines[tokens[0].map[1]:])
    return markdown


def leading_title(markdown: str) -> str | None:
    """The text of a first-level heading that opens the document, if any."""
    tokens = _PARSER.parse(markdown)
    if len(tokens) >= 2 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        return tokens[1].content.strip() or None
    return None


def render_fragment(markdown: str, resolve_image: Callable[[str], str]) -> str:
    """The body as HTML; every image's ``src`` is ``resolve_image(normalised_url)``."""
    return _PARSER.render(markdown, {"resolve_image": resolve_image})


def _link_text(children: list[Token], opening: int) -> str:
    parts = []
    for token in children[opening + 1:]:
        if token.type == "link_close":
            break
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
    return "".join(parts)[:80]


def _locate(lines: list[str], first: int, last: int, needle: str, taken: set[tuple[int, int]]) -> tuple[int, int]:
    for number in range(first, min(last, len(lines))):
        start = 0
        while (column := lines[number].find(needle, start)) >= 0:
            if (number, column) not in taken:
                taken.add((number, column))
                return number + 1, column + 1
            start = column + 1
    return first + 1, 1


def references(markdown: str) -> Iterator[Reference]:
    """Every image and link in document order, with its position in the source."""
    lines = markdown.splitlines()
    taken: set[tuple[int, int]] = set()
    for block in _PARSER.parse(markdown):
        if block.type != "inline" or not block.children or not block.map:
            continue
        first, last = block.map
        children = block.children
        for position, token in enumerate(children):
            if token.type == "image":
                url = token.attrGet("src") or ""
                text = token.content
            elif token.type == "link_open":
                url = token.attrGet("href") or ""
                text = _link_text(children, position)
            else:
                continue
            raw = unquote(url)
            line, column = _locate(lines, first, last, raw if raw else url, taken)
            yield Reference("image" if token.type == "image" else "link", url, text, line, column)
