"""Plans as YAML files and ``MonitorPlan`` rows; storing matches per post; previewing a rule over recent posts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from sentiment.plans.lang import PlanSyntaxError
from sentiment.plans.matcher import CompiledPlan, Document, compile_plan, match_plans
from storage.models import MonitorPlan, PlanMatch, Post
from storage.privacy import redact_personal_data

log = logging.getLogger(__name__)


class PlanFileError(ValueError):
    """A plan file that cannot be used; the message names the file and what is wrong (Chinese)."""


def load_plan_file(path: Path) -> CompiledPlan:
    """Read one plan YAML (``name``, ``rule``, optional ``exclusions``, ``category``, ``scope``, ``enabled``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanFileError(f"{path}: 不是 UTF-8 编码的文本") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise PlanFileError(f"{path}{where}: YAML 语法错误") from exc
    except RecursionError as exc:
        raise PlanFileError(f"{path}: YAML 嵌套层数过多") from exc
    if not isinstance(data, dict):
        raise PlanFileError(f"{path}: 方案文件应为键值映射")
    for key in ("name", "rule"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PlanFileError(f"{path}: 缺少必填项 {key}")
    if len(data["name"].strip()) > 100:
        raise PlanFileError(f"{path}: name 不能超过 100 个字符")
    if data.get("category") is not None and (not isinstance(data["category"], str) or len(data["category"]) > 40):
        raise PlanFileError(f"{path}: category 应为不超过 40 个字符的文本")
    try:
        plan = compile_plan(
            data["name"].strip(), data["rule"], data.get("exclusions") or (), data.get("category"), data.get("scope")
        )
    except PlanSyntaxError as exc:
        raise PlanFileError(f"{path}: {exc}") from exc
    plan.enabled = bool(data.get("enabled", True))
    return plan


def load_plan_dir(directory: Path) -> list[CompiledPlan]:
    """All ``*.yaml`` plans of a directory, sorted by file name; a missing directory gives no plans."""
    if not directory.is_dir():
        return []
    return [load_plan_file(p) for p in sorted(directory.glob("*.yaml"))]


def sync_plans(session: Session, plans: Iterable[CompiledPlan]) -> list[MonitorPlan]:
    """Create or update ``MonitorPlan`` rows from file plans (matched by name); rows not in files are kept."""
    rows = []
    existing = {p.name: p for p in session.scalars(select(MonitorPlan))}
    for plan in plans:
        enabled = plan.enabled
        scope = {k: sorted(v) for k, v in plan.scope.items()}
        row = existing.get(plan.name) or MonitorPlan(name=plan.name)
        row.rule, row.exclusions, row.scope = plan.rule, list(plan.exclusions), scope
        row.category, row.enabled = plan.category, enabled
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def active_plans(session: Session) -> list[CompiledPlan]:
    """Compile every enabled ``MonitorPlan`` row; a row whose rule no longer parses is logged and skipped."""
    compiled = []
    for row in session.scalars(select(MonitorPlan).where(MonitorPlan.enabled.is_(True)).order_by(MonitorPlan.id)):
        try:
            compiled.append(compile_plan(row.name, row.rule, row.exclusions or (), row.category, row.scope, row.id))
        except PlanSyntaxError as exc:
            log.error("monitor plan %r skipped: %s", row.name, exc)
    return compiled


def post_document(post: Post) -> Document:
    return Document(body=post.text or "", title=post.title or "", author_type=post.author_type or "unknown",
                    platform=post.platform or "")


def record_matches(session: Session, posts: Iterable[Post], plans: list[CompiledPlan],
                   now: datetime) -> dict[int, list[str]]:
    """Store a ``PlanMatch`` for each (plan, post) hit; returns post id -> matched plan names."""
    hits: dict[int, list[str]] = {}
    if not plans:
        return hits
    posts = list(posts)
    ids = [p.id for p in posts]
    done = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        done.update(tuple(row) for row in session.execute(
            select(PlanMatch.plan_id, PlanMatch.post_id).where(PlanMatch.post_id.in_(chunk))))
    for post in posts:
        for plan in match_plans(plans, post_document(post)):
            hits.setdefault(post.id, []).append(plan.name)
            if plan.plan_id is not None and (plan.plan_id, post.id) not in done:
                session.add(PlanMatch(plan_id=plan.plan_id, post_id=post.id, matched_at=now))
    return hits


@dataclass
class Preview:
    days: int
    scanned: int
    hits: int
    per_day: dict[str, int]
    samples: list[tuple[int, str]]


def preview(session: Session, plan: CompiledPlan, now: datetime, days: int = 7, samples: int = 5) -> Preview:
    """Count how many stored posts of the last ``days`` days a plan would match, without storing anything."""
    since = now - timedelta(days=days)
    query = (select(Post).where(Post.published_at >= since, Post.published_at <= now, Post.deleted.is_(False))
             .order_by(Post.published_at).execution_options(yield_per=1000))
    scanned = hits = 0
    per_day: dict[str, int] = {}
    found: list[tuple[int, str]] = []
    for post in session.scalars(query):
        scanned += 1
        if plan.matches(post_document(post)):
            hits += 1
            day = post.published_at.date().isoformat()
            per_day[day] = per_day.get(day, 0) + 1
            if len(found) < samples:
                found.append((post.id, redact_personal_data((post.text or "")[:80])))
    return Preview(days, scanned, hits, per_day, found)
