"""``zhengyu detect``, ``zhengyu replay``, ``zhengyu issues`` and ``zhengyu plans``: emerging-issue detection."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.clock import FrozenClock, SystemClock
from zhengyu.errors import ZhengyuError

SCHEMES = click.Choice(["three", "four"])


def _guarded(call):
    """Turn rule-table, plan-file and model-loading problems into one Chinese line."""
    from sentiment.detect.rules import RulesError
    from sentiment.plans.store import PlanFileError

    try:
        return call()
    except (RulesError, PlanFileError) as exc:
        raise ZhengyuError(str(exc)) from exc
    except RuntimeError as exc:  # the analyser could not be loaded
        raise ZhengyuError(f"无法加载分析模型：{exc}") from exc


def _pipeline(app: AppContext, session, scheme: str | None):
    from sentiment.detect.pipeline import DetectionPipeline

    return _guarded(lambda: DetectionPipeline.from_settings(app.settings, session, scheme=scheme))


def _parse_at(value: str | None, tz: ZoneInfo) -> datetime:
    if not value:
        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ZhengyuError(f"--at 应为 ISO 8601 时间，例如 2026-05-01T08:00:00+08:00，实际为 {value!r}") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)


@click.command("detect")
@click.option("--at", "at", default=None, help="Run the tick as of this ISO time (default: now, system clock).")
@click.option("--scheme", type=SCHEMES, default=None, help="Warning scheme (default: the rule table's).")
@pass_app
def detect(app: AppContext, at: str | None, scheme: str | None) -> None:
    """Find emerging issues in recent posts and grade their warning levels (one detection tick)."""
    from sentiment.detect.pipeline import detect_once

    app.migrated_engine()
    now = _parse_at(at, ZoneInfo(app.settings.timezone))
    report = _guarded(lambda: detect_once(app.settings, app.session_factory(), now, scheme=scheme))
    click.echo(f"研判完成（{now.isoformat()}）：窗口内 {report.window_posts} 条，"
               f"新话题 {len(report.created)} 个，更新 {len(report.updated)} 个，关闭 {len(report.closed)} 个，"
               f"预警 {report.alerts} 条。")


@click.command("replay")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--speed", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Stream time runs N times faster than wall time.")
@click.option("--as-fast-as-possible", "fast", is_flag=True, help="No waiting between ticks (the default).")
@click.option("--tick-minutes", type=click.IntRange(1, 1440), default=10, show_default=True,
              help="Stream minutes between detection ticks.")
@click.option("--scheme", type=SCHEMES, default=None, help="Warning scheme (default: the rule table's).")
@pass_app
def replay_cmd(app: AppContext, file: Path, speed: float | None, fast: bool, tick_minutes: int,
               scheme: str | None) -> None:
    """Replay a JSON-lines stream through the production analysis and detection path in simulated time.

    Each line: id, text, published_at (ISO 8601; no offset means the configured time zone), platform, author,
    parent_id, likes, reposts, comments. Issues go into the configured store; see `zhengyu issues export`.
    """
    from storage.privacy import author_hash_key
    from sentiment.replay import ReplaySummary, read_stream, replay
    from storage.engine import session_scope

    if speed is not None and fast:
        raise ZhengyuError("--speed 与 --as-fast-as-possible 只能选一个")
    settings = app.settings
    summary = ReplaySummary()
    posts = read_stream(file, ZoneInfo(settings.timezone), summary)
    for number, reason in summary.bad_lines[:10]:
        click.echo(f"第 {number} 行已跳过：{reason}", err=True)
    if not posts:
        raise ZhengyuError(f"{file} 中没有可回放的信息（共 {summary.read} 行，{len(summary.bad_lines)} 行有误）")
    app.migrated_engine()
    factory = app.session_factory()
    with session_scope(factory) as session:
        pipeline = _pipeline(app, session, scheme)
    key = author_hash_key(settings)
    clock = FrozenClock(posts[0].published_at)
    if not app.debug:  # one "analysed N posts" line per simulated tick would drown the summary
        logging.getLogger("sentiment.worker").setLevel(logging.WARNING)
    replay(posts, factory, pipeline, clock, tick_minutes=tick_minutes, speed=speed,
           author_key=key, summary=summary)
    click.echo(f"回放完成：读入 {summary.read} 行，有误 {len(summary.bad_lines)} 行，入库 {summary.stored} 条"
               f"（已存在 {summary.skipped_existing} 条），研判 {summary.ticks} 轮，新话题 {summary.issues_created} 个，"
               f"预警 {summary.alerts} 条，用时 {summary.wall_seconds:.1f} 秒。")


@click.group("issues")
def issues() -> None:
    """Emerging issues found by detection."""


@issues.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True)
@click.option("--status", default=None, help="Only issues with this status ('open' = not closed).")
@pass_app
def issues_export(app: AppContext, fmt: str, status: str | None) -> None:
    """Print every issue with first_flagged_at, level history, keywords, member post ids, and for answered
    issues responded_at, the response time and the answer's effect (回应效果)."""
    from sentiment.detect.export import export_issues
    from sentiment.detect.rules import RulesError, load_rules

    app.migrated_engine()
    try:
        rules = load_rules(app.settings.analysis.warning_rules_file)
        names = {level.code: level.name for scheme in ("three", "four")
                 for level in load_rules(app.settings.analysis.warning_rules_file, scheme).levels}
        names.update({level.code: level.name for level in rules.levels})
    except RulesError:
        names = {}
    window = timedelta(hours=app.settings.releases.answer_effect_window_h)
    with app.session_factory()() as session:
        rows = export_issues(session, status, names, now=SystemClock().now(), effect_window=window)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))


@issues.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include closed issues.")
@pass_app
def issues_list(app: AppContext, show_all: bool) -> None:
    """Show issues, hottest first."""
    from sentiment.detect.export import export_issues

    app.migrated_engine()
    with app.session_factory()() as session:
        rows = export_issues(session, None if show_all else "open")
    if not rows:
        click.echo("暂无话题。")
    for row in sorted(rows, key=lambda r: -(r["heat"] or 0)):
        click.echo(f"#{row['id']}  [{row['level'] or '-'}] 热度 {row['heat']:.1f}  {row['post_count']} 条  "
                   f"{row['title']}  （{'、'.join(row['keywords'][:5])}）")


@click.group("plans")
def plans() -> None:
    """Monitoring plans (监测方案): check, sync and preview keyword rules."""


@plans.command("check")
@pass_app
def plans_check(app: AppContext) -> None:
    """Parse every plan file and report problems."""
    from sentiment.plans.store import PlanFileError, load_plan_dir

    try:
        loaded = load_plan_dir(app.settings.analysis.plans_dir)
    except PlanFileError as exc:
        raise ZhengyuError(str(exc)) from exc
    click.echo(f"{len(loaded)} 个监测方案均无语法错误：{'、'.join(p.name for p in loaded)}")


@plans.command("preview")
@click.argument("rule")
@click.option("--exclude", multiple=True, help="Exclusion word (repeatable).")
@click.option("--days", type=click.IntRange(1, 365), default=7, show_default=True)
@click.option("--at", "at", default=None, help="Count back from this ISO time (default: now).")
@pass_app
def plans_preview(app: AppContext, rule: str, exclude: tuple[str, ...], days: int, at: str | None) -> None:
    """Count how many stored posts of the last N days a rule would match."""
    from sentiment.plans.lang import PlanSyntaxError
    from sentiment.plans.matcher import compile_plan
    from sentiment.plans.store import preview

    try:
        plan = compile_plan("预览", rule, exclude)
    except PlanSyntaxError as exc:
        raise ZhengyuError(f"{exc}\n{exc.pointer()}") from exc
    app.migrated_engine()
    with app.session_factory()() as session:
        result = preview(session, plan, _parse_at(at, ZoneInfo(app.settings.timezone)), days)
    click.echo(f"近 {days} 天共 {result.scanned} 条信息，命中 {result.hits} 条。")
    for day, count in sorted(result.per_day.items()):
        click.echo(f"  {day}  {count}")
    for post_id, text in result.samples:
        click.echo(f"  例 #{post_id}：{text}")


def register(cli: click.Group) -> None:
    for command in (detect, replay_cmd, issues, plans):
        cli.add_command(command)
