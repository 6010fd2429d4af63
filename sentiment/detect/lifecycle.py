"""One issue at one tick: fold in new members, recompute heat, grade the level, cool down, close, alert."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.detect.heat import IssueFigures, heat
from sentiment.detect.naming import issue_keywords
from sentiment.detect.rules import WarningRules
from sentiment.detect.signals import PostInfo
from storage.models import Alert, Issue, IssueLevelChange, IssueMember, IssueSnapshot

log = logging.getLogger(__name__)
OFFICIAL_TYPES = ("official", "media")


@dataclass
class LevelEvent:
    """An issue that reached or rose to an alerting level at this tick."""

    issue: Issue
    level: str
    reason: str


def empty_stats() -> dict:
    return {"neg": 0, "engagement": 0, "platforms": [], "official": False, "categories": {}, "keywords": {}}


def add_members(session: Session, issue: Issue, posts: Iterable[PostInfo], known: set[int]) -> int:
    """Link new member posts and fold them into the issue's running statistics; returns how many were new."""
    detail = dict(issue.detail or {})
    stats = {**empty_stats(), **detail.get("stats", {})}
    platforms = set(stats["platforms"])
    categories, keywords = Counter(stats["categories"]), Counter(stats["keywords"])
    added = 0
    for post in posts:
        if post.id in known:
            continue
        known.add(post.id)
        session.add(IssueMember(issue_id=issue.id, post_id=post.id))
        added += 1
        stats["neg"] += post.label == "neg"
        stats["engagement"] += post.engagement
        platforms.add(post.platform)
        stats["official"] = stats["official"] or post.author_type in OFFICIAL_TYPES
        categories.update(post.categories)
        keywords.update(post.keywords)
        if post.at > issue.last_seen_at:
            issue.last_seen_at = post.at
        if post.at < issue.first_seen_at:
            issue.first_seen_at = post.at
    if added:
        stats["platforms"] = sorted(platforms)
        stats["categories"] = dict(categories.most_common(10))
        stats["keywords"] = dict(keywords.most_common(30))
        issue.post_count = (issue.post_count or 0) + added
        issue.negative_share = stats["neg"] / issue.post_count
        detail["stats"] = stats
        issue.detail = detail
        issue.keywords = issue_keywords(detail.get("terms", []), stats["keywords"])
        if stats["categories"]:
            issue.category = Counter(stats["categories"]).most_common(1)[0][0]
    return added


def figures_of(issue: Issue, window_count: int, window_hours: float, now: datetime | None = None) -> IssueFigures:
    detail = issue.detail or {}
    stats = {**empty_stats(), **detail.get("stats", {})}
    return IssueFigures(
        post_count=issue.post_count or 0, window_count=window_count, window_hours=window_hours,
        engagement=int(stats["engagement"]), negative_share=float(issue.negative_share or 0.0),
        source_count=len(stats["platforms"]), official_involved=bool(stats["official"]), category=issue.category,
        burst_score=float(detail.get("burst_score", 0.0)),
        quiet_hours=max(0.0, (now - issue.last_seen_at).total_seconds() / 3600) if now else 0.0,
    )


def _change_level(session: Session, issue: Issue, to_level: str | None, reason: str, rules: WarningRules,
                  now: datetime) -> None:
    session.add(IssueLevelChange(issue_id=issue.id, at=now, from_level=issue.level, to_level=to_level,
                                 reason=reason, rules_version=rules.version))
    issue.level = to_level
    issue.level_reason = reason
    detail = dict(issue.detail or {})
    detail["level_changed_at"] = now.isoformat()
    detail["rules_version"] = rules.version
    issue.detail = detail


def grade_issue(session: Session, issue: Issue, window_count: int, rules: WarningRules,
                now: datetime) -> LevelEvent | None:
    """Recompute heat and level; store the change with its reason; close or cool a quiet issue."""
    params = rules.detection
    window_hours = params.window_minutes / 60
    figures = figures_of(issue, window_count, window_hours, now)
    issue.heat = heat(figures, rules.heat, rules.category_weights)
    quiet = now - issue.last_seen_at
    detail = dict(issue.detail or {})
    if quiet >= timedelta(hours=params.close_after_hours):
        _change_level(session, issue, None, f"连续 {params.close_after_hours:g} 小时无新增信息，研判结束", rules, now)
        issue.status = "closed"
        issue.closed_at = now
        _snapshot(session, issue, window_count, now)
        return None
    detail["cooling"] = quiet >= timedelta(hours=params.cool_after_hours)
    issue.detail = detail
    level, reason = rules.grade({**figures.as_dict(), "heat": issue.heat})
    event = None
    old_rank = rules.rank(issue.level)
    if level.rank < old_rank:
        _change_level(session, issue, level.code, reason, rules, now)
        due = now + timedelta(hours=level.response_hours)
        if issue.responded_at is None and (issue.response_due_at is None or due < issue.response_due_at):
            issue.response_due_at = due
        if level.alert:
            event = LevelEvent(issue, level.code, reason)
    elif level.rank > old_rank:
        changed = detail.get("level_changed_at")
        last = datetime.fromisoformat(changed) if changed else issue.first_flagged_at or now
        if now - last >= timedelta(hours=params.downgrade_after_hours):
            _change_level(session, issue, level.code, f"热度回落，降为{reason}", rules, now)
    _snapshot(session, issue, window_count, now)
    return event


def _snapshot(session: Session, issue: Issue, window_count: int, now: datetime) -> None:
    session.add(IssueSnapshot(issue_id=issue.id, at=now, post_count=issue.post_count or 0,
                              window_count=window_count, negative_share=issue.negative_share or 0.0,
                              heat=issue.heat or 0.0, level=issue.level))


def raise_alerts(session: Session, events: list[LevelEvent], rules: WarningRules, now: datetime) -> list[Alert]:
    """One Alert per issue and level (dedup_key ``issue:<id>:<level>``); past ``max_alerts_per_tick`` the rest
    of the tick's issues go into one digest alert so leadership is never flooded."""
    fresh = []
    for event in events:
        key = f"issue:{event.issue.id}:{event.level}"
        alerted = set((event.issue.detail or {}).get("alerted", []))
        if event.level in alerted or session.scalar(select(Alert.id).where(Alert.dedup_key == key)):
            continue
        fresh.append((key, event))
    fresh.sort(key=lambda item: (rules.rank(item[1].level), -(item[1].issue.heat or 0)))
    limit = rules.detection.max_alerts_per_tick
    alerts = []
    for key, event in fresh[:limit]:
        issue = event.issue
        name = rules.name(event.level)
        due = issue.response_due_at.isoformat() if issue.response_due_at else "无"
        alerts.append(Alert(
            kind="issue", issue_id=issue.id, level=event.level, dedup_key=key, created_at=now,
            title=f"【{name}色预警】{issue.title}",
            body=f"{event.reason}\n热度 {issue.heat:.1f}，信息 {issue.post_count} 条，负面占比 "
                 f"{(issue.negative_share or 0):.0%}；请于 {due} 前响应。",
            detail={"keywords": issue.keywords, "heat": issue.heat, "rules_version": rules.version}))
    rest = fresh[limit:]
    if rest:
        ids = [event.issue.id for _, event in rest]
        alerts.append(Alert(
            kind="issue", issue_id=None, level=rest[0][1].level, created_at=now,
            dedup_key=f"issue-digest:{now.strftime('%Y%m%dT%H%M%S')}",
            title=f"【预警汇总】另有 {len(rest)} 个话题达到预警级别",
            body="\n".join(f"{rules.name(e.level)}色｜{e.issue.title}｜热度 {e.issue.heat:.1f}" for _, e in rest),
            detail={"issue_ids": ids, "levels": [e.level for _, e in rest], "rules_version": rules.version}))
    for _, event in fresh:
        detail = dict(event.issue.detail or {})
        detail["alerted"] = sorted(set(detail.get("alerted", [])) | {event.level})
        event.issue.detail = detail
    session.add_all(alerts)
    return alerts
