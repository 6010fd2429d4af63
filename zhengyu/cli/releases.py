"""``zhengyu release``: authoritative releases (权威发布) from Markdown through 三审三校.

Parsing and printing only; every rule is in ``publisher.services.releases``. Commands that show something
take ``--json`` and then print one JSON object. ``release create`` prints the new id alone on stdout (the
Chinese summary goes to stderr), so scripts can write ``ID=$(zhengyu release create …)``.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from zhengyu.cli.app import AppContext, pass_app

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
BY_OPTION = click.option("--by", "username", required=True, help="Username of the person acting (checked for the role).")


@contextmanager
def service_session(app: AppContext):
    """A migrated store and one transaction: committed when the command succeeds, rolled back otherwise."""
    from storage.engine import session_scope

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        yield session


def actor_of(session, username: str | None):
    from storage.access import SYSTEM_ACTOR, actor_by_username

    return actor_by_username(session, username) if username else SYSTEM_ACTOR


def lexicons_of(app: AppContext):
    from publisher.checks import Lexicons

    return Lexicons.from_settings(app.settings)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def local_time(app: AppContext, iso: str | None) -> str:
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(app.settings.timezone)).strftime("%Y-%m-%d %H:%M")


def _input(markdown_file: Path | None, title, author, digest, theme, source_url, accounts, cover):
    from publisher.render.images import directory_source
    from publisher.render.source import read_cover, read_markdown
    from publisher.services.releases import ReleaseInput

    return ReleaseInput(
        markdown=read_markdown(markdown_file) if markdown_file else None, title=title, author=author, digest=digest,
        theme=theme, content_source_url=source_url, accounts=list(accounts) if accounts else None,
        cover=read_cover(cover) if cover else None,
        images=directory_source(markdown_file.resolve().parent) if markdown_file else None)


def _print_findings(report, release_id: int) -> None:
    from publisher.checks.base import SEVERITY_NAMES

    overridden = report.overridden_keys
    click.echo(f"稿件 #{release_id} 检查结果：必须修改 {len(report.blocking)} 项，提醒 {len(report.warnings)} 项"
               f"（未处理 {len(report.open_warnings)} 项）")
    for finding in report.findings:
        state = "（已记录理由保留）" if finding.key in overridden else ""
        click.echo(f"[{SEVERITY_NAMES[finding.severity]}] {finding.where}：{finding.message}{state}")
        if finding.context:
            click.echo(f"    原文：{finding.context}")
        if not finding.blocking and finding.key not in overridden:
            click.echo(f"    保留请记录理由：zhengyu release override {release_id} {finding.key} --reason 理由 --by 用户名")


def _report_outcome(outcome, err: bool = False) -> None:
    for message in outcome.messages:
        click.echo(message, err=err)


def _edit_options(func):
    for option in reversed((
        click.option("--title", default=None, help="Title (≤ 32 characters; default: the leading '# heading')."),
        click.option("--author", default=None, help="Author shown under the title (≤ 16 characters)."),
        click.option("--digest", default=None, help="Digest (≤ 128 characters)."),
        click.option("--theme", default=None, help="Theme: red/党政红, blue/政务蓝 or plain/简洁."),
        click.option("--source-url", default=None, help="阅读原文 link (content_source_url)."),
        click.option("--cover", type=click.Path(path_type=Path), default=None,
                     help="Cover image (bmp/png/jpeg/gif, ≤ 10 MB)."),
    )):
        func = option(func)
    return func


@click.group("release")
def release_group() -> None:
    """Authoritative releases (权威发布): write, check, review (三审三校), preview and export the 审核单."""


@release_group.command("create")
@click.argument("markdown_file", type=click.Path(path_type=Path, dir_okay=False))
@BY_OPTION
@click.option("--account", "accounts", multiple=True, required=True, help="Target official account (repeatable).")
@_edit_options
@click.option("--answers-issue", type=int, default=None, help="Id of the issue this release answers (回应).")
@click.option("--draft", is_flag=True, help="Keep it a draft instead of submitting it to 初审.")
@JSON_OPTION
@pass_app
def create_cmd(app: AppContext, markdown_file: Path, username: str, accounts, title, author, digest, theme,
               source_url, cover, answers_issue, draft, as_json) -> None:
    """Create a release from MARKDOWN_FILE (UTF-8; images relative to it) and submit it to 初审."""
    from publisher.services import releases

    data = _input(markdown_file, title, author, digest, theme, source_url, accounts, cover)
    with service_session(app) as session:
        outcome = releases.create(session, actor_of(session, username), data, lexicons=lexicons_of(app),
                                  default_theme=app.settings.releases.default_theme, answers_issue_id=answers_issue,
                                  submit=not draft)
    if as_json:
        echo_json(outcome.to_dict())
        return
    click.echo(outcome.id)
    click.echo(f"已创建稿件 #{outcome.id}：{outcome.release['title']}（{outcome.release['status_name']}）", err=True)
    _report_outcome(outcome, err=True)
    if outcome.report and outcome.report.findings:
        click.echo(f"检查：必须修改 {len(outcome.report.blocking)} 项，提醒 {len(outcome.report.warnings)} 项；"
                   f"详见 zhengyu release check {outcome.id}", err=True)


@release_group.command("edit")
@click.argument("release_id", type=int)
@click.argument("markdown_file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@BY_OPTION
@click.option("--account", "accounts", multiple=True, help="Replace the target accounts (repeatable).")
@_edit_options
@click.option("--draft", is_flag=True, help="Keep it a draft instead of submitting it to 初审 again.")
@JSON_OPTION
@pass_app
def edit_cmd(app: AppContext, release_id: int, markdown_file: Path | None, username: str, accounts, title, author,
             digest, theme, source_url, cover, draft, as_json) -> None:
    """Replace the text of RELEASE_ID with MARKDOWN_FILE (and/or change its fields); a changed release goes
    back to 初审 and off the schedule."""
    from publisher.services import releases

    data = _input(markdown_file, title, author, digest, theme, source_url, accounts, cover)
    with service_session(app) as session:
        outcome = releases.edit(session, actor_of(session, username), release_id, data, lexicons=lexicons_of(app),
                                submit=not draft)
    if as_json:
        echo_json(outcome.to_dict())
        return
    click.echo(f"稿件 #{release_id}：{outcome.release['status_name']}")
    _report_outcome(outcome)


@release_group.command("submit")
@click.argument("release_id", type=int)
@BY_OPTION
@JSON_OPTION
@pass_app
def submit_cmd(app: AppContext, release_id: int, username: str, as_json: bool) -> None:
    """Submit draft RELEASE_ID to 初审 (refused while a check blocks)."""
    from publisher.services import releases

    with service_session(app) as session:
        outcome = releases.submit(session, actor_of(session, username), release_id, lexicons=lexicons_of(app))
    if as_json:
        echo_json(outcome.to_dict())
        return
    click.echo(f"稿件 #{release_id} 已提交初审")


@release_group.command("check")
@click.argument("release_id", type=int)
@click.option("--by", "username", default=None, help="Username of the person checking (default: the command line).")
@JSON_OPTION
@pass_app
def check_cmd(app: AppContext, release_id: int, username: str | None, as_json: bool) -> None:
    """Run the pre-publish checks on RELEASE_ID; exits with status 1 when a finding blocks."""
    from publisher.services import releases

    with service_session(app) as session:
        report = releases.check(session, actor_of(session, username), release_id, lexicons=lexicons_of(app))
    if as_json:
        echo_json({"id": release_id, **report.to_dict()})
    else:
        _print_findings(report, release_id)
    if report.blocking:
        sys.exit(1)


@release_group.command("override")
@click.argument("release_id", type=int)
@click.argument("key")
@click.option("--reason", required=True, help="Why the flagged wording stays (recorded in the audit log).")
@BY_OPTION
@JSON_OPTION
@pass_app
def override_cmd(app: AppContext, release_id: int, key: str, reason: str, username: str, as_json: bool) -> None:
    """Keep a warned wording (KEY as shown by `release check`, e.g. usage:罪犯) with a recorded reason."""
    from publisher.services import releases

    with service_session(app) as session:
        outcome = releases.override_warning(session, actor_of(session, username), release_id, key, reason,
                                            lexicons=lexicons_of(app))
    if as_json:
        echo_json(outcome.to_dict())
        return
    click.echo(f"稿件 #{release_id} 的提醒 {key} 已记录理由保留：{reason}")


@release_group.command("review")
@click.argument("release_id", type=int)
@BY_OPTION
@click.option("--approve", "decision", flag_value="approve", help="Sign the stage the release waits for.")
@click.option("--reject", "decision", flag_value="reject", help="Return it to the author (needs --comment).")
@click.option("--comment", default=None, help="Review comment (required with --reject).")
@JSON_OPTION
@pass_app
def review_cmd(app: AppContext, release_id: int, username: str, decision: str | None, comment: str | None,
               as_json: bool) -> None:
    """Sign the next review stage of RELEASE_ID: successive approvals sign 初审, 复审 and 终审."""
    from publisher.services import releases

    if decision is None:
        raise click.UsageError("请指定 --approve（通过）或 --reject（退回）")
    with service_session(app) as session:
        outcome = releases.review_release(session, actor_of(session, username), release_id, decision, comment,
                                          lexicons=lexicons_of(app))
    if as_json:
        echo_json(outcome.to_dict())
        return
    last = outcome.release["reviews"][-1]
    click.echo(f"稿件 #{release_id} {last['stage_name']}：{last['decision_name']}（{username}），"
               f"现为“{outcome.release['status_name']}”")


@release_group.command("preview")
@click.argument("release_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="HTML file to write.")
@click.option("--by", "username", default=None, help="Username of the person previewing.")
@pass_app
def preview_cmd(app: AppContext, release_id: int, output: Path, username: str | None) -> None:
    """Write a preview page of RELEASE_ID holding exactly the article HTML that will be sent."""
    from publisher.services import releases

    with service_session(app) as session:
        page = releases.preview(session, actor_of(session, username), release_id)
    output.write_text(page, encoding="utf-8")
    click.echo(f"预览已写入 {output}")


@release_group.command("sheet")
@click.argument("release_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--by", "username", default=None, help="Username of the person exporting.")
@pass_app
def sheet_cmd(app: AppContext, release_id: int, fmt: str, output: Path, username: str | None) -> None:
    """Export the signed review sheet (审核单) of RELEASE_ID as DOCX or PDF."""
    from publisher.services import releases

    with service_session(app) as session:
        data = releases.sheet(session, actor_of(session, username), release_id, fmt, timezone=app.settings.timezone)
    output.write_bytes(data)
    click.echo(f"审核单已写入 {output}")


@release_group.command("list")
@click.option("--status", default=None, help="Only releases with this status (e.g. first_review).")
@JSON_OPTION
@pass_app
def list_cmd(app: AppContext, status: str | None, as_json: bool) -> None:
    """List releases, newest first, with their status."""
    from publisher.services import releases
    from storage.access import SYSTEM_ACTOR

    with service_session(app) as session:
        rows = releases.list_releases(session, SYSTEM_ACTOR, status)
    if as_json:
        echo_json({"releases": rows})
        return
    if not rows:
        click.echo("（暂无发布稿件）")
    for row in rows:
        accounts = "、".join(t["account"] for t in row["targets"])
        click.echo(f"#{row['id']}\t{row['status_name']}\t{local_time(app, row['created_at'])}\t{row['title']}\t{accounts}")


@release_group.command("show")
@click.argument("release_id", type=int)
@JSON_OPTION
@pass_app
def show_cmd(app: AppContext, release_id: int, as_json: bool) -> None:
    """Show RELEASE_ID: status, accounts, review signatures and content hash."""
    from publisher.services import releases
    from storage.access import SYSTEM_ACTOR

    with service_session(app) as session:
        view = releases.get(session, SYSTEM_ACTOR, release_id)
    if as_json:
        echo_json(view)
        return
    click.echo(f"稿件 #{view['id']}：{view['title']}")
    click.echo(f"状态：{view['status_name']}　版式：{view['theme']}　作者：{view['author'] or '-'}　"
               f"创建人：{view['created_by'] or '-'}　第 {view['review_round']} 轮审核")
    click.echo(f"内容指纹：{view['content_hash']}")
    for target in view["targets"]:
        click.echo(f"  公众号 {target['account']}：{target['status_name']}"
                   + (f"　{target['article_url']}" if target["article_url"] else ""))
    for row in view["reviews"]:
        mark = "" if row["current"] else "（往轮）"
        click.echo(f"  {row['stage_name']}{mark}　{row['reviewer_name']}（{row['reviewer']}）　{row['decision_name']}　"
                   f"{local_time(app, row['at'])}　{row['comment'] or ''}")


def register(cli: click.Group) -> None:
    cli.add_command(release_group)
