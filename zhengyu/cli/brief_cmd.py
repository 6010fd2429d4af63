"""``zhengyu brief``: the daily brief (舆情日报) and issue reports (舆情专报) as HTML, DOCX or PDF."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError

FORMAT = click.Choice(["html", "docx", "pdf"])
BY = click.option("--by", "username", default=None, help="Act as this user (checked against their roles); "
                  "default: the command line itself.")
JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of Chinese text.")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ZhengyuError(f"--date 应为 YYYY-MM-DD 形式的日期，例如 2026-11-02，实际为 {value!r}") from exc


def _actor(session, username: str | None):
    from storage.access import SYSTEM_ACTOR, actor_by_username

    return actor_by_username(session, username) if username else SYSTEM_ACTOR


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ZhengyuError(f"无法写入 {path}：{exc.strerror or exc}") from exc


def _generate(app: AppContext, username: str | None, fmt: str, output: Path | None, as_json: bool, make) -> None:
    from publisher.services import briefs
    from storage.engine import session_scope

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        actor = _actor(session, username)
        info = make(session, actor)
        stored = briefs.brief_file(session, actor, info.id, fmt)
    path = output or Path(stored.filename)
    _write(path, stored.data)
    if as_json:
        click.echo(json.dumps({**info.as_json(), "file": str(path), "format": fmt, "bytes": len(stored.data)},
                              ensure_ascii=False))
        return
    note = "（本期无数据）" if info.empty else ""
    click.echo(f"已生成{info.kind_name}（{info.number_text}）{note}：{path}（{len(stored.data)} 字节）")


@click.group("brief")
def brief_group() -> None:
    """Briefs for leadership: the daily brief and issue reports, built only from stored facts."""


@brief_group.command("daily")
@click.option("--date", "day", default=None, help="The day to cover, YYYY-MM-DD in the configured time zone "
              "(default: yesterday).")
@click.option("--format", "fmt", type=FORMAT, default="pdf", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: the brief's own name in the current directory).")
@BY
@JSON
@pass_app
def daily(app: AppContext, day: str | None, fmt: str, output: Path | None, username: str | None,
          as_json: bool) -> None:
    """Make the daily brief (舆情日报) of one day; it is also stored for the dashboard."""
    from publisher.services import briefs

    chosen = _day(day)
    _generate(app, username, fmt, output, as_json,
              lambda session, actor: briefs.generate_daily(session, actor, app.settings, chosen, formats=[fmt]))


@brief_group.command("issue")
@click.argument("issue_id", type=int)
@click.option("--format", "fmt", type=FORMAT, default="pdf", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: the report's own name in the current directory).")
@BY
@JSON
@pass_app
def issue(app: AppContext, issue_id: int, fmt: str, output: Path | None, username: str | None,
          as_json: bool) -> None:
    """Make an issue report (舆情专报) on issue ISSUE_ID, up to now; it is also stored for the dashboard."""
    from publisher.services import briefs

    _generate(app, username, fmt, output, as_json,
              lambda session, actor: briefs.generate_issue_report(session, actor, app.settings, issue_id,
                                                                  formats=[fmt]))


@brief_group.command("list")
@click.option("--kind", type=click.Choice(["daily", "issue"]), default=None, help="Only this kind.")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@BY
@JSON
@pass_app
def list_cmd(app: AppContext, kind: str | None, limit: int, username: str | None, as_json: bool) -> None:
    """List stored briefs, newest first."""
    from publisher.services import briefs
    from storage.engine import session_scope

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        items = briefs.list_briefs(session, _actor(session, username), kind=kind, limit=limit)
    if as_json:
        click.echo(json.dumps({"briefs": [item.as_json() for item in items]}, ensure_ascii=False))
        return
    if not items:
        click.echo("（暂无简报）")
    for item in items:
        note = "\t本期无数据" if item.empty else ""
        click.echo(f"#{item.id}\t{item.title}\t{'、'.join(item.formats)}{note}")


@brief_group.command("export")
@click.argument("brief_id", type=int)
@click.option("--format", "fmt", type=FORMAT, default="pdf", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: the brief's own name in the current directory).")
@BY
@pass_app
def export(app: AppContext, brief_id: int, fmt: str, output: Path | None, username: str | None) -> None:
    """Write a stored brief's file, exactly as it was generated (and delivered)."""
    from publisher.services import briefs
    from storage.engine import session_scope

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        stored = briefs.brief_file(session, _actor(session, username), brief_id, fmt)
    path = output or Path(stored.filename)
    _write(path, stored.data)
    click.echo(f"已导出简报 #{brief_id}：{path}（{len(stored.data)} 字节）")


def register(cli: click.Group) -> None:
    cli.add_command(brief_group)
