"""What the review sheet (审核单) states, read from the store: the release, its accounts and every signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from publisher.review import content_hash
from publisher.services.release_views import release_view
from publisher.states import STAGE_NAMES
from storage.models import Release
from storage.models.publishing import REVIEW_STAGES


@dataclass(frozen=True)
class SheetRow:
    stage: str
    reviewer: str
    at: str
    decision: str
    comment: str
    content_hash: str


@dataclass(frozen=True)
class SheetFacts:
    release_id: int
    title: str
    accounts: str
    author: str
    creator: str
    created_at: str
    status: str
    content_hash: str
    hash_matches: bool  # every signature of the current round carries the release's hash now
    stages: list[SheetRow]  # the current round, one row per stage (unsigned stages say so)
    history: list[SheetRow]  # every signature of every round, in order
    generated_at: str
    timezone: str


def _local(iso: str | None, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


def _row(entry: dict, zone: ZoneInfo, with_round: bool = False) -> SheetRow:
    stage = entry["stage_name"] + (f"（第 {entry['round']} 轮）" if with_round else "")
    return SheetRow(stage, f"{entry['reviewer_name']}（{entry['reviewer']}）", _local(entry["at"], zone),
                    entry["decision_name"], entry["comment"] or "", entry["content_hash"] or "")


def sheet_facts(session: Session, release: Release, timezone: str, now: datetime) -> SheetFacts:
    zone = ZoneInfo(timezone)
    view = release_view(session, release)
    current_hash = content_hash(session, release)
    current = [entry for entry in view["reviews"] if entry["current"]]
    stages = []
    for stage in REVIEW_STAGES:
        signed = [entry for entry in current if entry["stage"] == stage]
        if signed:
            stages.append(_row(signed[-1], zone))
        else:
            stages.append(SheetRow(STAGE_NAMES[stage], "（未签署）", "", "", "", ""))
    creator = f"{view['created_by_name']}（{view['created_by']}）" if view["created_by"] else ""
    return SheetFacts(
        release_id=release.id, title=release.title, accounts="、".join(t["account"] for t in view["targets"]),
        author=release.author_name or "", creator=creator, created_at=_local(view["created_at"], zone),
        status=view["status_name"], content_hash=current_hash,
        hash_matches=bool(current) and all(e["content_hash"] == current_hash for e in current),
        stages=stages, history=[_row(entry, zone, with_round=True) for entry in view["reviews"]],
        generated_at=now.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), timezone=timezone)
