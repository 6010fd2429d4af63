"""The result of generic article extraction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Article:
    """What a news or government article page says about itself.

    ``published_at`` is timezone-aware (pages that show no offset are taken as China time, +08:00) or None when
    the page shows no publish time. ``source`` is the originating media outlet (来源), ``author`` the byline
    (作者/记者); both None when absent. ``account`` is the platform account that published the page (a WeChat
    official account's name), None on ordinary sites. ``text`` is the body prose, one paragraph per line.
    """

    title: str | None
    published_at: datetime | None
    author: str | None
    source: str | None
    text: str
    account: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the time as ISO 8601 with its offset."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data
