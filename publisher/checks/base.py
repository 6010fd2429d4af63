"""What every pre-publish check shares: the finding it returns and the release text it reads.

A check is a function ``check(content: ReleaseContent) -> Iterable[Finding]``. Positions are 1-based line
and column in the Markdown for the body, or the field name (title, author, digest, cover …) otherwise.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

BLOCK = "block"
WARN = "warn"
SEVERITY_NAMES = {BLOCK: "必须修改", WARN: "提醒"}
FIELD_NAMES = {"title": "标题", "author": "作者", "digest": "摘要", "content": "正文", "cover": "封面",
               "content_source_url": "阅读原文链接"}
CONTEXT_CHARS = 12


@dataclass(frozen=True)
class Finding:
    check: str  # the module that found it: limits, images, links, privacy, sensitive, usage
    code: str  # what kind of problem, e.g. title_too_long, id_card, usage
    severity: str  # block | warn
    message: str  # Chinese: what is wrong and what to do
    field: str  # title | author | digest | content | cover | content_source_url
    line: int | None = None  # in the Markdown, when field == "content"
    column: int | None = None
    context: str = ""  # the text around the hit
    match: str = ""  # the text that was hit
    suggestion: str | None = None  # 规范表述: the right form

    @property
    def key(self) -> str:
        """Identifies a warning for an override (every occurrence of the same wrong form shares it)."""
        return f"{self.code}:{self.match}" if self.match else self.code

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK

    @property
    def where(self) -> str:
        if self.field == "content" and self.line is not None:
            return f"正文第 {self.line} 行第 {self.column} 列"
        return FIELD_NAMES.get(self.field, self.field)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "key": self.key, "where": self.where}


def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


@dataclass
class TextField:
    """One searchable text (a field, or the Markdown body) with offset → line/column conversion."""

    name: str
    text: str
    folded: str = field(init=False)  # full-width digits and letters folded to ASCII, same length as text
    _line_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.folded = "".join(_fold(char) for char in self.text)
        starts = [0]
        for index, char in enumerate(self.text):
            if char == "\n":
                starts.append(index + 1)
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int | None, int | None]:
        if self.name != "content":
            return None, None
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def context(self, start: int, end: int) -> str:
        before = self.text[max(0, start - CONTEXT_CHARS):start]
        after = self.text[end:end + CONTEXT_CHARS]
        return " ".join(f"{before}【{self.text[start:end]}】{after}".split())

    def finding(self, check: str, code: str, severity: str, message: str, start: int, end: int,
                suggestion: str | None = None, match: str | None = None) -> Finding:
        line, column = self.position(start)
        return Finding(check=check, code=code, severity=severity, message=message, field=self.name, line=line,
                       column=column, context=self.context(start, end),
                       match=self.text[start:end] if match is None else match, suggestion=suggestion)


@dataclass(frozen=True)
class AssetInfo:
    role: str  # image | cover
    ref: str
    content_type: str
    size: int
    data: bytes


@dataclass
class ReleaseContent:
    """Everything a check reads about one release, detached from the database session."""

    title: str
    author: str
    digest: str
    markdown: str
    content_source_url: str
    html: str  # the article HTML as it would be sent (images as WeChat-length placeholder URLs)
    references: list = field(default_factory=list)  # publisher.render.markdown.Reference
    images: dict[str, AssetInfo] = field(default_factory=dict)
    cover: AssetInfo | None = None

    def text_fields(self) -> Iterator[TextField]:
        """The texts readers see: title, author, digest and the body."""
        for name in ("title", "author", "digest"):
            value = getattr(self, name)
            if value:
                yield TextField(name, value)
        yield TextField("content", self.markdown)
