"""Date values and where pages keep them for machines: ``<meta>``, JSON-LD, ``<time>``, script variables, the URL.

A :class:`Stamp` keeps the precision a value had (a year may be missing on "09-30 22:46", a clock time on a bare
date), so that the arbitration in :mod:`crawlers.extract.dates` can tell a precise value from a vague one.
Times without an offset are China time (+08:00).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

log = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8))

NUM_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2}|\d{2})\s*(?P<s1>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<s2>[-/.月])\s*(?P<d>\d{1,2})"
    r"(?:(?![\d.])|(?=[012]\d[:：]\d))\s*日?"
    r"(?:\s*(?:T|\s|-)?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?)?")
# <meta> names and properties that carry the publication time, best first.
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "publishdate", "publish_date", "publish-date", "publishtime", "publish_time", "pubdate", "pubtime",
    "firstpublishedtime", "publishedtime", "apub:time", "ptime", "og:time",
    "datepublished", "article:create_at", "weibo:article:create_at", "dc.date.issued", "dc.date", "date",
    "sailthru.date", "parsely-pub-date", "created",
)
# Those that say when the entry was last touched: a publish time only when nothing better exists.
_MODIFIED_KEYS = ("dateupdate", "article:modified_time", "og:updated_time", "lastmodified", "last-modified",
                  "lastmodifiedtime", "datemodified")
_JSONLD_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
# Publish times that CMS templates hand to their scripts ("var publishTime = '2019-09-07 13:43:45'", "ptime":...).
_SCRIPT_KEYS = ("publishtime", "publish_time", "publishdate", "publish_date", "pubtime", "pub_time", "pubdate",
                "pub_date", "ptime", "releasetime", "release_time", "createtime")
_SCRIPT_VALUE_RE = re.compile(r"[\"']?\s*[:=]\s*[\"']([^\"'<>]{8,30})[\"']")
# Dates in article URLs: /2019-09-07/, /20190907/, /2019/0907/, t20190907_123.html.
_URL_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_SCAN_CHARS = 500_000  # scripts past this point are libraries and tracking code, not page data
_EPOCH_RE = re.compile(r"\d{10}(?:\d{3})?")
_FIRST_YEAR, _LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Stamp:
    """A date found somewhere, with the precision it had."""

    day: date | None          # None when the year was not shown
    month_day: tuple[int, int]
    clock: tuple[int, int] | None
    tz: timezone | None = None
    second: int = 0

    def to_datetime(self) -> datetime | None:
        if self.day is None:
            return None
        hour, minute = self.clock or (0, 0)
        return datetime(self.day.year, self.day.month, self.day.day, hour, minute,
                        self.second if self.clock else 0, tzinfo=self.tz or CHINA_TZ)

    def agrees_with(self, other: Stamp) -> bool:
        """Same day, and the same minute where both show a clock time."""
        if self.day is None or self.day != other.day:
            return False
        return self.clock is None or other.clock is None or self.clock == other.clock


def year_of(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def make_stamp(year: int | None, month: int, day: int, hour=None, minute=None, tz=None, second=None) -> Stamp | None:
    """A checked :class:`Stamp`, or None for an impossible date or one outside 1990–2100."""
    try:
        the_day = date(year, month, day) if year is not None else None
        if year is None:
            date(2000, month, day)
    except (ValueError, OverflowError):
        return None
    if year is not None and not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None
    clock = None
    if hour is not None and minute is not None:
        if not (0 <= int(hour) < 24 and 0 <= int(minute) < 60):
            return None
        clock = (int(hour), int(minute))
    sec = int(second) if second is not None and clock is not None and 0 <= int(second) < 60 else 0
    return Stamp(the_day, (month, day), clock, tz, sec)


def epoch_stamp(seconds: int) -> Stamp | None:
    """A Unix time in seconds as a China-time stamp; None when out of range."""
    try:
        value = datetime.fromtimestamp(seconds, CHINA_TZ)
    except (OverflowError, OSError, ValueError):
        return None
    return make_stamp(value.year, value.month, value.day, value.hour, value.minute, second=value.second)


def parse_stamp(text: str) -> Stamp | None:
    """Parse one machine or human date value ("2019-10-23T09:10:42+08:00", "2019年03月15日 10:20", "1568023476")."""
    text = (text or "").strip()
    if not text or len(text) > 64:
        return None
    iso = text.replace("Z", "+00:00") if re.search(r"\d[Zz]$", text) else text
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        value = None
    if value is not None:
        if value.tzinfo is not None:
            value = value.astimezone(CHINA_TZ)
        has_clock = bool(re.search(r"\d{1,2}:\d{2}", iso))
        return make_stamp(value.year, value.month, value.day, value.hour if has_clock else None,
                          value.minute if has_clock else None, second=value.second if has_clock else None)
    if _EPOCH_RE.fullmatch(text):
        return epoch_stamp(int(text[:10]))
    match = NUM_DATE_RE.search(text)
    if match and len(match.group("y")) == 4:
        return make_stamp(int(match.group("y")), int(match.group("m")), int(match.group("d")),
                          match.group("H"), match.group("M"), second=match.group("S"))
    return None


def url_stamp(url: str | None) -> Stamp | None:
    """The date in an article URL's path, if it has one (day precision)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).split("?", 1)[0]
    match = _URL_DATE_RE.search(path)
    if not match:
        return None
    return make_stamp(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _script_stamp(raw: str) -> Stamp | None:
    """A publish time handed to the page's scripts (``var publishTime = '…'``, ``"ptime": "…"``).

    Plain substring search for the keys, then a regex anchored after each hit: much faster than one
    alternation regex over half a megabyte of script.
    """
    low = raw.lower()
    for key in _SCRIPT_KEYS:
        start = low.find(key)
        while start != -1:
            if start == 0 or not low[start - 1].isalnum():
                match = _SCRIPT_VALUE_RE.match(raw, start + len(key))
                stamp = parse_stamp(match.group(1)) if match else None
                if stamp:
                    return stamp
            start = low.find(key, start + len(key))
    return None


@dataclass
class Structured:
    """Publish and modification times the page declares for machines, best first."""

    published: list[Stamp] = field(default_factory=list)
    modified: list[Stamp] = field(default_factory=list)


def structured_stamps(root, raw_html: str) -> Structured:
    """Times from JSON-LD ``datePublished``, ``<meta>``, ``<time datetime>`` and script variables."""
    published: list[tuple[int, Stamp]] = []
    modified: list[tuple[int, Stamp]] = []
    head = raw_html[:_SCAN_CHARS]
    for match in _JSONLD_RE.finditer(head):
        try:
            stamp = parse_stamp(json.loads(f'"{match.group(1)}"'))
        except ValueError:
            stamp = None
        if stamp:
            published.append((-1, stamp))
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "")
        key = key.strip().lower()
        if key in _PUBLISHED_KEYS:
            stamp = parse_stamp(meta.get("content") or "")
            if stamp:
                published.append((_PUBLISHED_KEYS.index(key), stamp))
        elif key in _MODIFIED_KEYS:
            stamp = parse_stamp(meta.get("content") or "")
            if stamp:
                modified.append((_MODIFIED_KEYS.index(key), stamp))
    for el in root.iter("time"):
        stamp = parse_stamp(el.get("datetime") or "")
        if stamp:
            published.append((len(_PUBLISHED_KEYS), stamp))
    stamp = _script_stamp(head)
    if stamp:
        published.append((len(_PUBLISHED_KEYS) + 1, stamp))
    published.sort(key=lambda pair: pair[0])
    modified.sort(key=lambda pair: pair[0])
    return Structured([s for _, s in published], [s for _, s in modified])
