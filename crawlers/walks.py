"""List walks and the gaps a stopped walk leaves, so that no backlog is skipped for good.

A run walks each list of a source newest first, down to its floor (the high-water mark minus the revisit
window) or to the first page with nothing new. A walk can stop early: at ``max_pages``, or because a list page
failed (HTTP error, timeout, block page). Everything below the stopping point and above the floor is then a
*gap*: the page where the walk stopped (fetched again, as lists shift while new items arrive on top) and the
floor it was walking to. The runner keeps gaps in the store (``SourceCursor`` key ``gaps:<list>``) and the next
run resumes each one beside the usual walk from the top, until it reaches its floor; the run that leaves a gap
is reported as incomplete. Gaps are matched by their identity (resume URL and floor), so two crawler processes
sharing a run update them without losing one another's progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

GAPS_KEY_PREFIX = "gaps:"
MAX_GAPS_PER_LIST = 5
STATS_KEY = "zhengyu/walks"
COMPLETE, STOPPED = "complete", "stopped"


def list_key(raw: str) -> str:
    """A stable, bounded name for one list of a source (its path, or a digest of a long one)."""
    return raw if len(raw) <= 150 else "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Gap:
    """The unwalked part of one list: resume at ``resume`` and walk down to ``floor``."""

    resume: str
    floor: datetime | None

    @property
    def ident(self) -> str:
        return f"{self.resume}|{self.floor.isoformat() if self.floor else '-'}"

    def to_json(self) -> dict[str, Any]:
        return {"resume": self.resume, "floor": self.floor.isoformat() if self.floor else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Gap:
        floor = data.get("floor")
        return cls(str(data["resume"]), datetime.fromisoformat(floor) if floor else None)


@dataclass(frozen=True)
class ListWalk:
    """One walk down one list, carried from page to page in the requests (picklable for scrapy-redis)."""

    key: str
    floor: datetime | None
    page: int = 1
    gap: str | None = None  # the ident of the gap this walk resumes; None for the walk from the top

    def next_page(self) -> ListWalk:
        return ListWalk(self.key, self.floor, self.page + 1, self.gap)

    def below_floor(self, published_at: datetime | None) -> bool:
        return published_at is not None and self.floor is not None and published_at < self.floor

    @property
    def result_key(self) -> str:
        return f"{self.key}#{self.gap or 'top'}"


def walk_result(walk: ListWalk, state: str, resume: str | None = None, reason: str | None = None) -> dict[str, Any]:
    return {"key": walk.key, "gap": walk.gap, "state": state, "resume": resume, "reason": reason,
            "floor": walk.floor.isoformat() if walk.floor else None, "pages": walk.page}


def encode_gaps(gaps: list[Gap]) -> str:
    return json.dumps([g.to_json() for g in gaps], ensure_ascii=False)


def decode_gaps(value: str | None) -> list[Gap]:
    if not value:
        return []
    try:
        return [Gap.from_json(g) for g in json.loads(value)]
    except (ValueError, KeyError, TypeError):
        log.error("unreadable gap record %r; ignoring it", value[:200])
        return []


def apply_walk_results(stored: dict[str, list[Gap]], results: dict[str, dict[str, Any]]
                       ) -> tuple[dict[str, list[Gap]], list[str]]:
    """The gaps after a run: a resumed gap that reached its floor is closed, one that stopped again moves to its
    new stopping point, a stopped walk from the top opens a new gap (newest first). Returns the new gaps by list
    and the lists that had to give up their oldest gap (over ``MAX_GAPS_PER_LIST``)."""
    updated = {key: list(gaps) for key, gaps in stored.items()}
    for result in results.values():
        if result["gap"] is None:
            continue
        gaps = updated.setdefault(result["key"], [])
        index = next((i for i, g in enumerate(gaps) if g.ident == result["gap"]), None)
        if index is None:
            continue  # a peer already closed or moved it
        if result["state"] == COMPLETE:
            del gaps[index]
        else:
            gaps[index] = Gap(result["resume"], gaps[index].floor)
    overflow = []
    for result in results.values():
        if result["gap"] is None and result["state"] == STOPPED and result["resume"]:
            floor = datetime.fromisoformat(result["floor"]) if result["floor"] else None
            gaps = updated.setdefault(result["key"], [])
            gap = Gap(result["resume"], floor)
            if all(g.ident != gap.ident for g in gaps):
                gaps.insert(0, gap)
            if len(gaps) > MAX_GAPS_PER_LIST:
                del gaps[MAX_GAPS_PER_LIST:]
                overflow.append(result["key"])
    return {key: gaps for key, gaps in updated.items()}, overflow
