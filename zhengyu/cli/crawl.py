"""``zhengyu crawl``: collection (one Scrapy run per invocation) and the sources' health table."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError


def _parse_when(value: str | None, tz: str, option: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ZhengyuError(f"{option} 应为 ISO 8601 时间，例如 2026-01-01T08:00+08:00，实际为 {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(timezone.utc)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h) for i, h in enumerate(headers)]
    click.echo("  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        click.echo("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())


def _status(app: AppContext, as_json: bool) -> None:
    from crawlers.health import STATUS_NAMES, health_rows
    from crawlers.sources import load_sources

    app.migrated_engine()
    rows = {r["name"]: r for r in health_rows(app.session_factory())}
    configured = load_sources(app.settings.crawl.sources_dir)
    if as_json:
        click.echo(json.dumps({"sources": [
            {**{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in rows[name].items()},
             "configured": name in configured} if name in rows else
            {"name": name, "family": configured[name].family, "enabled": configured[name].enabled,
             "last_status": None, "configured": True}
            for name in sorted(set(rows) | set(configured))]}, ensure_ascii=False))
        return
    zone = ZoneInfo(app.settings.timezone)
    table = []
    for name in sorted(set(rows) | set(configured)):
        r = rows.get(name)
        cfg = configured.get(name)
        if r is None:
            table.append([name, cfg.family, "是" if cfg.enabled else "否", "从未运行", "0", "-", "0", "从未运行"])
            continue
        last_ok = r["last_ok_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M") if r["last_ok_at"] else "从未成功"
        state = STATUS_NAMES.get(r["last_status"], "未运行完")
        problems = sorted(r["last_problems"], key=lambda p: not p.get("fatal"))
        reason = "；".join(str(p.get("message", "")) for p in problems).replace("\n", " ")
        table.append([name, r["family"], "是" if r["enabled"] else "否", last_ok, str(r["consecutive_failures"]),
                      str(r["last_run_items"]), str(r["posts"]), state + (f"：{reason}" if reason else "")])
    if not table:
        click.echo("尚未配置任何采集源（config/sources/*.yaml）。")
        return
    print_table(["采集源", "类型", "启用", "最近成功", "连续失败", "上次条目", "已存条目", "状态与原因"], table)


@click.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Crawl every enabled source.")
@click.option("--status", is_flag=True, help="Print the sources' health table instead of crawling.")
@click.option("--json", "as_json", is_flag=True, help="With --status: one JSON object instead of the table.")
@click.option("--since", default=None, help="Only items published at or after this time (ISO 8601).")
@click.option("--until", default=None, help="Only items published before this time (ISO 8601).")
@click.option("--base-url", default=None, help="Override the base URL of the named source(s) (e.g. a local copy).")
@pass_app
def crawl(app: AppContext, sources, all_sources, status, as_json, since, until, base_url) -> None:
    """Collect public posts and comments from SOURCES (names in config/sources/*.yaml)."""
    if status:
        _status(app, as_json)
        return
    from crawlers.runner import run_sources
    from crawlers.sources import load_sources
    from zhengyu.clock import SystemClock

    settings = app.settings
    configured = load_sources(settings.crawl.sources_dir)
    if all_sources:
        chosen = [s for s in configured.values() if s.enabled]
    elif sources:
        unknown = [s for s in sources if s not in configured]
        if unknown:
            known = "、".join(configured) or "（无）"
            raise ZhengyuError(f"未知的采集源：{'、'.join(unknown)}；已配置：{known}")
        chosen = [configured[s] for s in sources]
    else:
        raise ZhengyuError("请指定采集源名称，或使用 --all 采集全部已启用的源（--status 查看状态）")
    if base_url:
        chosen = [s.with_base_url(base_url) for s in chosen]
    since_at = _parse_when(since, settings.timezone, "--since")
    until_at = _parse_when(until, settings.timezone, "--until")
    if since_at and until_at and since_at >= until_at:
        raise ZhengyuError("--since 应早于 --until")
    engine = app.migrated_engine()
    outcomes = run_sources(settings, chosen, clock=SystemClock(), since=since_at, until=until_at, engine=engine)
    failed = 0
    for o in outcomes:
        if o.status in ("ok", "incomplete"):
            done = "完成" if o.status == "ok" else "未完成（其余部分下次继续）"
            click.echo(f"{o.source}：{done}，新增 {o.items_new} 条，更新 {o.items_updated} 条，丢弃 {o.items_dropped} 条"
                       + (f"；提示：{o.summary}" if o.summary else ""))
        else:
            failed += 1
            click.echo(f"{o.source}：失败：{o.error}", err=True)
            if o.alert_raised:
                click.echo(f"{o.source}：已连续失败，已记录采集故障告警", err=True)
    if failed:
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    cli.add_command(crawl)
