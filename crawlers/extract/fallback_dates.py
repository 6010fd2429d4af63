"""htmldate's reading of a page, as the last-resort witness for the publish time.

htmldate (Barbaresi, JOSS 2020) combines URL patterns, markup heuristics and a text scan; measured on the dev
pages it dates some pages that show no date our rules trust, so it is asked only when nothing else dates a page
(see ``bench/extract_accuracy.py`` for the comparison and the choice).
"""

from __future__ import annotations

import logging
from datetime import datetime

from crawlers.extract.stamps import Stamp, make_stamp

log = logging.getLogger(__name__)

_FORMAT = "%Y-%m-%d %H:%M"


def htmldate_stamp(raw_html: str, url: str | None = None, now: datetime | None = None) -> Stamp | None:
    """The original publication date htmldate finds, or None; a 00:00 clock is read as "no clock shown"."""
    from htmldate import find_date

    try:
        found = find_date(raw_html, extensive_search=True, original_date=True, outputformat=_FORMAT, url=url,
                          max_date=now.strftime("%Y-%m-%d") if now is not None else None)
    except (ValueError, TypeError, OverflowError) as exc:
        log.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    try:
        value = datetime.strptime(found, _FORMAT)
    except ValueError:
        return None
    clock = (value.hour, value.minute) if (value.hour, value.minute) != (0, 0) else (None, None)
    return make_stamp(value.year, value.month, value.day, *clock)
