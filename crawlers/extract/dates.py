"""Find when an article was published.

The time the page *shows* beside the headline is the truth for readers; ``<meta>`` times often disagree (they
record when the CMS entry was created or last touched). So visible times are preferred, ranked by a label in
front of them ("发布时间：", "发布日期：", "时间："), by closeness after the headline, and by carrying a clock time;
meta/JSON-LD/``<time>`` values fill in what the visible one lacks (a year on "09-30 22:46", a clock time on a
bare date) or stand in when nothing is shown. Times without an offset are China time (+08:00).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

log = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8))

_NUM_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2}|\d{2})\s*(?P<s1>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<s2>[-/.月])\s*(?P<d>\d{1,2})"
    r"(?:(?![\d.])|(?=[012]\d[:：]\d))\s*日?"
    r"(?:\s*(?:T|\s|-)?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?)?")
_MONTH_DAY_RE = re.compile(
    r"(?<![\d\-/.年])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2})(?![\d])")
# The same shapes without group names, with an optional label in front: "where is the time in this line".
TIME_IN_TEXT_RE = re.compile(
    r"(?:(?:发布|发表|更新)?(?:时间|日期)\s*[:：]\s*)?"
    r"(?:(?<![\d.])(?:(?:19|20)\d{2}|\d{2})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:(?![\d.])|(?=[012]\d[:：]\d))\s*日?"
    r"(?:\s*(?:T|\s)?\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?)?"
    r"|(?<![\d\-/.年])\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*[:：]\s*\d{2}(?!\d))")
_LABEL_RE = re.compile(r"(发布|发表|出版|刊发|上传|时间|日期|发布于|published|posted|date|pubdate)\s*[:：]?\s*$", re.I)
_WEAK_LABEL_RE = re.compile(r"(更新|修改|编辑于|updated|modified)\s*(时间|日期)?\s*[:：]?\s*$", re.I)
# A visible date needs two points: a label, or closeness under the headline, plus a clock time for the weaker ones.
_MIN_SCORE = 1.9
_PROSE_LINE = 80  # characters: a longer line is a paragraph of prose, not a byline
_META_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "publishdate", "publish_date", "publish-date", "publishtime", "publish_time", "pubdate", "pubtime",
    "firstpublishedtime", "publishedtime", "apub:time", "ptime", "og:time",
    "datepublished", "article:create_at", "weibo:article:create_at", "dc.date.issued", "dc.date", "date",
    "sailthru.date", "parsely-pub-date", "created", "dateupdate", "article:modified_time", "og:updated_time",
    "lastmodified", "last-modified",
)
_JSONLD_RE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# Publish times that CMS templates hand to their scripts ("var publishTime = '2019-09-07 13:43:45'", "ptime":...).
_SCRIPT_KEYS = ("publishtime", "publish_time", "publishdate", "publish_date", "pubtime", "pub_time", "pubdate",
                "pub_date", "ptime", "releasetime", "release_time", "createtime")
_SCRIPT_VALUE_RE = re.compile(r"[\"']?\s*[:=]\s*[\"']([^\"'<>]{8,30})[\"']")
# Dates in article URLs: /2019-09-07/, /20190907/, /2019/0907/, t20190907_123.html.
_URL_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class Stamp:
    """A date found somewhere, with the precision it had."""

    day: date | None          # None when the year was not shown
    month_day: tuple[int, int]
    clock: tuple[int, int] | None
    tz: timezone | None = None

    def to_datetime(self) -> datetime | None:
        if self.day is None:
            return None
        hour, minute = self.clock or (0, 0)
        return datetime(self.day.year, self.day.month, self.day.day, hour, minute, tzinfo=self.tz or CHINA_TZ)


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def _stamp(year: int | None, month: int, day: int, hour=None, minute=None, tz=None) -> Stamp | None:
    try:
        the_day = date(year, month, day) if year is not None else None
        if year is None:
            date(2000, month, day)
    except ValueError:
        return None
    if year is not None and not 1990 <= year <= 2100:
        return None
    clock = None
    if hour is not None and minute is not None:
        if not (0 <= int(hour) < 24 and 0 <= int(minute) < 60):
            return None
        clock = (int(hour), int(minute))
    return Stamp(the_day, (month, day), clock, tz)


def parse_stamp(text: str) -> Stamp | None:
    """Parse one machine or human date value ("2019-10-23T09:10:42+08:00", "2019年03月15日 10:20")."""
    text = (text or "").strip()
    if not text:
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
        return _stamp(value.year, value.month, value.day, value.hour if has_clock else None,
                      value.minute if has_clock else None)
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        seconds = int(text[:10])
        value = datetime.fromtimestamp(seconds, CHINA_TZ)
        return _stamp(value.year, value.month, value.day, value.hour, value.minute)
    match = _NUM_DATE_RE.search(text)
    if match and len(match.group("y")) == 4:
        return _stamp(int(match.group("y")), int(match.group("m")), int(match.group("d")),
                      match.group("H"), match.group("M"))
    return None


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


def meta_stamps(root, raw_html: str) -> list[Stamp]:
    """Publish-time hints from ``<meta>``, ``<time datetime>``, itemprop and JSON-LD, best first."""
    found: list[tuple[int, Stamp]] = []
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "")
        key = key.strip().lower()
        if key in _META_KEYS:
            stamp = parse_stamp(meta.get("content") or "")
            if stamp:
                found.append((_META_KEYS.index(key), stamp))
    for el in root.iter("time"):
        stamp = parse_stamp(el.get("datetime") or "")
        if stamp:
            found.append((len(_META_KEYS), stamp))
    for match in _JSONLD_RE.finditer(raw_html[:500_000]):
        try:
            stamp = parse_stamp(json.loads(f'"{match.group(1)}"'))
        except ValueError:
            stamp = None
        if stamp:
            found.append((-1, stamp))
    stamp = _script_stamp(raw_html[:500_000])
    if stamp:
        found.append((len(_META_KEYS) + 1, stamp))
    found.sort(key=lambda pair: pair[0])
    return [stamp for _, stamp in found]


@dataclass(frozen=True)
class _Seen:
    stamp: Stamp
    score: float


def _visible(lines: list[str], anchor: int | None) -> list[_Seen]:
    """Every date shown in the text, scored as a publish-time candidate.

    Points: closeness under the headline (3 within 6 lines, 1 within 15, -1 above it), a label (4 near the
    headline, 2.5 further away, where comment stamps such as "发表于 …" live), a clock time (1). A date inside a
    long line of prose ("2019年2月27日下午，…") reports an event, not the publication, so it earns nothing for
    closeness unless labelled.
    """
    seen: list[_Seen] = []
    for index, line in enumerate(lines):
        far = False
        if anchor is not None:
            distance = index - anchor
            near = 3.0 if 0 <= distance <= 6 else (1.0 if 0 < distance <= 15 else 0.0)
            far = distance > 15
            if distance < 0:
                near = -1.0
        else:
            near = 1.0 if index < 40 else 0.0
        prose = len(line) > _PROSE_LINE
        for match in _NUM_DATE_RE.finditer(line):
            before = line[max(0, match.start() - 12): match.start()]
            labelled = bool(_LABEL_RE.search(before))
            weak = bool(_WEAK_LABEL_RE.search(before))
            short_year = len(match.group("y")) == 2
            if short_year and not labelled:
                continue
            if match.group("s1") == "年" and match.group("s2") != "月":
                continue
            stamp = _stamp(_year(match.group("y")), int(match.group("m")), int(match.group("d")),
                           match.group("H"), match.group("M"))
            if stamp is None:
                continue
            closeness = min(near, 0.0) if prose and not labelled else near
            label = (2.5 if far else 4.0) if labelled and not weak else 0.0
            score = closeness + label - (2.0 if weak else 0.0) + (1.0 if stamp.clock else 0.0)
            seen.append(_Seen(stamp, score - index / 10000))
        for match in _MONTH_DAY_RE.finditer(line):
            # "09-30 22:46" / "09月30日 22:46" has no year: only trusted with a label or right under the headline
            before = line[max(0, match.start() - 12): match.start()]
            labelled = bool(_LABEL_RE.search(before))
            if not labelled and near < 3.0:
                continue
            stamp = _stamp(None, int(match.group("m")), int(match.group("d")), match.group("H"), match.group("M"))
            if stamp is not None:
                seen.append(_Seen(stamp, near + (3.5 if labelled else 0.0) - index / 10000))
    return seen


def _complete(stamp: Stamp, hints: list[Stamp]) -> Stamp | None:
    """Fill a missing year or clock time from a hint that agrees on what is shown."""
    if stamp.day is None:
        for hint in hints:
            if hint.day is not None and hint.month_day == stamp.month_day:
                return Stamp(hint.day, stamp.month_day, stamp.clock, stamp.tz)
        return None
    if stamp.clock is None:
        for hint in hints:
            if hint.day == stamp.day and hint.clock is not None:
                return Stamp(stamp.day, stamp.month_day, hint.clock, hint.tz)
    return stamp


def url_stamp(url: str | None) -> Stamp | None:
    """The date in an article URL's path, if it has one (day precision)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).split("?", 1)[0]
    match = _URL_DATE_RE.search(path)
    if not match:
        return None
    return _stamp(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def extract_published(lines: list[str], anchor: int | None, root, raw_html: str,
                      url: str | None = None) -> datetime | None:
    """The publish time from the page's text lines (``anchor``: the headline's line), metadata and URL."""
    hints = meta_stamps(root, raw_html)
    from_url = url_stamp(url)
    if from_url is not None:
        hints.append(from_url)
    seen = sorted(_visible(lines, anchor), key=lambda s: s.score, reverse=True)
    visible_full = [s.stamp for s in seen if s.stamp.day is not None]
    for candidate in seen:
        if candidate.score < _MIN_SCORE:
            break
        stamp = _complete(candidate.stamp, hints + visible_full)
        if stamp is not None:
            return stamp.to_datetime()
    if hints:
        return hints[0].to_datetime()
    return None
