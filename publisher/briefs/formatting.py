"""How figures, times and texts are written in a brief (the same in HTML, DOCX and PDF)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from publisher.briefs.facts.overview import Change
from storage.privacy import redact_personal_data

NO_VALUE = "—"
# Characters XML 1.0 (DOCX) cannot hold and that no document should show: C0 controls but tab and newline,
# lone surrogates and the two non-characters at the end of the BMP.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str | None) -> str:
    """Stored text as it may be shown: unchanged except for control characters, which are dropped."""
    return _UNPRINTABLE.sub("", text or "")


def shown(text: str | None) -> str:
    """Crawled text as a brief shows it: printable, and with personal numbers (mobile, ID and bank card)
    masked, as in every export (storage.privacy)."""
    return redact_personal_data(printable(text)) or ""


def count(value: int) -> str:
    return str(int(value))


def share(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value * 100:.1f}%"


def count_change(change: Change, unit: str = "条", basis: str = "较上期") -> str:
    """``较上期增加 12 条（+8.5%）``; against an empty previous period only the difference is given."""
    delta = int(change.delta)
    if delta == 0:
        return f"{basis.replace('较', '与', 1)}持平"
    word = "增加" if delta > 0 else "减少"
    ratio = change.ratio
    percent = "" if ratio is None else f"（{ratio * 100:+.1f}%）"
    return f"{basis}{word} {abs(delta)} {unit}{percent}"


def share_change(current: float | None, previous: float | None) -> str:
    """Change of a share in percentage points; nothing to compare when either period has no analysed posts."""
    if current is None or previous is None:
        return "上期无可比数据"
    points = round((current - previous) * 100, 1)
    if points == 0:
        return "与上期持平"
    return f"较上期{'上升' if points > 0 else '下降'} {abs(points):.1f} 个百分点"


def long_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    return NO_VALUE if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def duration(span: timedelta) -> str:
    """``2小时15分钟``; ``1天3小时`` beyond a day; negative spans (answered before flagged) read as ``0分钟``."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{minutes}分钟"


def heat(value: float) -> str:
    return f"{value:.1f}"
