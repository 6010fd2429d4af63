"""A brief as plain data: header, then sections of blocks. The HTML and DOCX writers render exactly this.

Every string here is already written for the reader (Chinese, formatted figures) and still unescaped:
escaping is the writers' job (Jinja autoescape, python-docx's XML), so hostile text stays text everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Subheading:
    text: str
    level_code: str | None = None  # an issue or level heading takes the level's colour
    kind: str = "subheading"


@dataclass(frozen=True)
class Figures:
    """Label → value rows; ``key`` names each figure so tests and the dashboard can find it."""

    rows: tuple[tuple[str, str, str], ...]  # (key, label, value)
    kind: str = "figures"


@dataclass(frozen=True)
class Table:
    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty_text: str = "无"
    kind: str = "table"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    png: bytes
    description: str  # the chart's figures in words (alt text; the DOCX caption)
    kind: str = "chart"


@dataclass(frozen=True)
class QuoteItem:
    source: str
    time: str
    url: str
    title: str
    text: str
    cut: bool
    note: str  # sentiment and engagement, e.g. 负面 · 互动 1200


@dataclass(frozen=True)
class Quotes:
    items: tuple[QuoteItem, ...]
    empty_text: str = "本期无可引用的信息（仅引用带原文链接的已采集信息）"
    kind: str = "quotes"


Block = Paragraph | Subheading | Figures | Table | Chart | Quotes


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class BriefContent:
    kind: str  # daily | issue
    title: str  # 舆情日报 / 舆情专报
    subject: str  # the day (2026年11月2日) or the title
    number_text: str  # 2026年第12期
    unit: str
    classification: str
    date_text: str  # the date of issue
    period_text: str
    generated_text: str
    empty_message: str | None  # set when the period had no data: the brief says so and nothing else
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = ()
    summary: str = ""  # plain text for channels without attachments
    headline: dict[str, object] = field(default_factory=dict)  # machine-readable figures for listings

    @property
    def filename_stem(self) -> str:
        return f"{self.title}-{self.number_text}"
