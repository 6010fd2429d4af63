"""Publish-time parsing for the formats platforms show: absolute, Weibo's, and relative (刚刚, 5分钟前, 昨天 12:30)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

_WEIBO = "%a %b %d %H:%M:%S %z %Y"
_REL_MIN = re.compile(r"^(\d+)\s*分钟前$")
_REL_HOUR = re.compile(r"^(\d+)\s*小时前$")
_REL_SEC = re.compile(r"^(\d+)\s*秒前$")
_DAY_HM = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})$")
_MD = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
_CN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")


def parse_time(value: str | None, tz: str = "Asia/Shanghai", now: datetime | None = None,
               fmt: str | None = None) -> datetime | None:
    """Parse one shown time into an aware UTC datetime; None when it cannot be read.

    ``tz`` is the site's zone for times shown without an offset; ``now`` anchors relative forms;
    ``fmt`` is an explicit ``strptime`` format from the source's configuration, tried first.
    """
    if not isinstance(value, str):
        return None
    raw = value.strip()[:200]  # no real time is longer; a hostile page's megabyte "time" is not parsed
    if not raw:
        return None
    zone = ZoneInfo(tz)
    local_now = (now or datetime.now(timezone.utc)).astimezone(zone)
    parsed = _parse(raw, zone, local_now, fmt)
    return parsed.astimezone(timezone.utc) if parsed else None


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _parse(raw: str, zone: ZoneInfo, now: datetime, fmt: str | None) -> datetime | None:
    if fmt:
        try:
            return _aware(datetime.strptime(raw, fmt), zone)
        except ValueError:
            pass
    try:
        return datetime.strptime(raw, _WEIBO)
    except ValueError:
        pass
    if raw == "刚刚":
        return now
    for pattern, unit in ((_REL_SEC, "seconds"), (_REL_MIN, "minutes"), (_REL_HOUR, "hours")):
        m = pattern.match(raw)
        if m:
            return now - timedelta(**{unit: int(m.group(1))})
    m = _DAY_HM.match(raw)
    if m:
        days = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
        day = (now - timedelta(days=days)).date()
        return datetime(day.year, day.month, day.day, int(m.group(2)), int(m.group(3)), tzinfo=zone)
    m = _MD.match(raw)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        year = now.year if (month, day) <= (now.month, now.day) else now.year - 1
        try:
            return datetime(year, month, day, int(m.group(3) or 0), int(m.group(4) or 0), tzinfo=zone)
        except ValueError:
            return None
    m = _CN.match(raw)
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            return datetime(y, mo, d, h, mi, s, tzinfo=zone)
        except ValueError:
            return None
    try:
        return _aware(datetime.fromisoformat(raw.replace("/", "-").replace("Z", "+00:00")), zone)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw)  # RFC 822 (RSS pubDate)
    except (TypeError, ValueError, IndexError):
        return None
