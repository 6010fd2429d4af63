"""Find when an article was published: the time the page shows, checked against what it declares for machines.

The time shown beside the headline is the truth for readers; ``<meta>`` times often disagree (they record when the
CMS entry was created or last touched). So visible times are ranked by a label in front of them ("发布时间：",
"发布日期：", "时间："), by closeness after the headline, and by carrying a clock time. Then the arbitration:

* a declared time (JSON-LD ``datePublished``, ``<meta>``, ``<time>``, script variables) that agrees with the shown
  one — same day, and the same minute where both show a clock — is taken as is, being the more precise (seconds,
  offset); one that disagrees loses to the shown time (a logo-era template often stamps the CMS entry instead);
* a shown time that lacks a year or a clock borrows it from a declared time, the URL or another shown date that
  agrees on what is shown;
* an unlabelled shown date that contradicts two independent witnesses agreeing with each other (a declared time
  and the URL's date) gives way to them;
* with nothing shown that the rules trust: the declared publish time (one that the URL confirms first), the URL's
  date, the only day the page shows outside its prose (however far from the headline), then htmldate's reading of
  the page (passed in as ``fallback``) where the page bears it out (not a bare year read as 1 January), then a
  declared modification time.

Times without an offset are China time (+08:00).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crawlers.extract.stamps import NUM_DATE_RE, Stamp, make_stamp, structured_stamps, url_stamp, year_of

log = logging.getLogger(__name__)

_MONTH_DAY_RE = re.compile(
    r"(?<![\d\-/.年])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2})(?![\d])")
# The same shapes without group names, with an optional label in front: "where is the time in this line".
TIME_IN_TEXT_RE = re.compile(
    r"(?:(?:发布|发表|更新)?(?:时间|日期)\s*[:：]\s*)?"
    r"(?:(?<![\d.])(?:(?:19|20)\d{2}|\d{2})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:(?![\d.])|(?=[012]\d[:：]\d))\s*日?"
    r"(?:\s*(?:T|\s)?\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?)?"
    r"|(?<![\d\-/.年])\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*[:：]\s*\d{2}(?!\d))")
_LABEL_RE = re.compile(r"(发布|发表|出版|刊发|上传|时间|日期|发布于|published|posted|date|pubdate)\s*[:：]?\s*$", re.I)
# Labels of other dates: an update, a document's signing (成文) or entry into force, a hearing, a deadline, an event.
_WEAK_LABEL_RE = re.compile(r"(更新|修改|编辑于|成文|印发|施行|生效|实施|开庭|截止|活动|报名|举办|会议|updated|modified)"
                            r"\s*(时间|日期)?\s*[:：]?\s*$", re.I)
# A visible date needs two points: a label, or closeness under the headline, plus a clock time for the weaker ones.
_MIN_SCORE = 1.9
# A label in front of a date near the headline scores 4 on its own: below this a shown date is unlabelled.
_LABELLED_SCORE = 5.0
_PROSE_LINE = 80  # characters: a longer line is a paragraph of prose, not a byline


@dataclass(frozen=True)
class _Seen:
    stamp: Stamp
    score: float
    prose: bool = False


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
        for match in NUM_DATE_RE.finditer(line):
            before = line[max(0, match.start() - 12): match.start()]
            labelled = bool(_LABEL_RE.search(before))
            weak = bool(_WEAK_LABEL_RE.search(before))
            short_year = len(match.group("y")) == 2
            if short_year and not labelled:
                continue
            if match.group("s1") == "年" and match.group("s2") != "月":
                continue
            stamp = make_stamp(year_of(match.group("y")), int(match.group("m")), int(match.group("d")),
                               match.group("H"), match.group("M"), second=match.group("S"))
            if stamp is None:
                continue
            closeness = min(near, 0.0) if prose and not labelled else near
            label = (2.5 if far else 4.0) if labelled and not weak else 0.0
            score = closeness + label - (2.0 if weak else 0.0) + (1.0 if stamp.clock else 0.0)
            seen.append(_Seen(stamp, score - index / 10000, prose))
        for match in _MONTH_DAY_RE.finditer(line):
            # "09-30 22:46" / "09月30日 22:46" has no year: only trusted with a label or right under the headline
            before = line[max(0, match.start() - 12): match.start()]
            labelled = bool(_LABEL_RE.search(before))
            if not labelled and near < 3.0:
                continue
            stamp = make_stamp(None, int(match.group("m")), int(match.group("d")), match.group("H"), match.group("M"))
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
                return hint
    return stamp


def _best_visible(seen: list[_Seen], hints: list[Stamp]) -> tuple[Stamp, float] | None:
    visible_full = [s.stamp for s in seen if s.stamp.day is not None]
    for candidate in seen:
        if candidate.score < _MIN_SCORE:
            break
        stamp = _complete(candidate.stamp, hints + visible_full)
        if stamp is not None:
            return stamp, candidate.score
    return None


def _declared(published: list[Stamp], from_url: Stamp | None) -> Stamp | None:
    """The declared publish time to trust: the first one the URL's date confirms, else the first one."""
    if from_url is not None:
        for stamp in published:
            if stamp.day == from_url.day:
                return stamp
    return published[0] if published else None


_NEW_YEAR_RE = re.compile(r"(?<!\d)0?1\s*[-/.月]\s*0?1(?!\d)")


def _checked_guess(guess: Stamp | None, seen: list[_Seen], raw_html: str) -> Stamp | None:
    """A last-resort guess, kept when the page bears it out: a shown date of that day lends its clock; a 1 January
    that the page never shows is a year-only guess (a copyright line) and is dropped."""
    if guess is None:
        return None
    for candidate in seen:
        if candidate.stamp.day == guess.day:
            return candidate.stamp
    if guess.month_day == (1, 1) and not _NEW_YEAR_RE.search(raw_html):
        log.debug("dropping the year-only date guess %s", guess.day)
        return None
    return guess


def extract_published(lines: list[str], anchor: int | None, root, raw_html: str, url: str | None = None,
                      fallback: Callable[[], Stamp | None] | None = None) -> datetime | None:
    """The publish time from the page's text lines (``anchor``: the headline's line), metadata and URL.

    ``fallback`` is asked (lazily) for a last-resort reading of the page when nothing else dates it.
    """
    structured = structured_stamps(root, raw_html)
    from_url = url_stamp(url)
    hints = structured.published + structured.modified + ([from_url] if from_url is not None else [])
    seen = sorted(_visible(lines, anchor), key=lambda s: s.score, reverse=True)
    declared = _declared(structured.published, from_url)
    shown = _best_visible(seen, hints)
    if shown is not None:
        stamp, score = shown
        for candidate in structured.published:
            if candidate.agrees_with(stamp) and candidate.clock is not None:
                return candidate.to_datetime()
        witnessed = declared is not None and from_url is not None and declared.day == from_url.day
        if score < _LABELLED_SCORE and witnessed and declared.day != stamp.day:
            log.debug("shown date %s overruled by declared and URL date %s", stamp.day, declared.day)
            return declared.to_datetime()
        return stamp.to_datetime()
    if declared is not None:
        return declared.to_datetime()
    if from_url is not None:
        return from_url.to_datetime()
    days = {s.stamp.day for s in seen if s.stamp.day is not None and not s.prose}
    if len(days) == 1:
        # the only date the page shows outside its prose, however far from the headline, dates it
        return max((s for s in seen if s.stamp.day in days), key=lambda s: s.stamp.clock is not None).stamp.to_datetime()
    guess = _checked_guess(fallback() if fallback is not None else None, seen, raw_html)
    if guess is not None:
        return guess.to_datetime()
    if structured.modified:
        return structured.modified[0].to_datetime()
    return None
