"""``zhengyu issues ack|assign|respond|close``: handling an issue (处置), beside ``issues export/list``.

Parsing and printing only; the states and their rules are in ``publisher.services.issues``.
"""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.cli.releases import BY_OPTION, JSON_OPTION, actor_of, echo_json, service_session


def _issue_dict(issue) -> dict:
    from publisher.states import ISSUE_STATUS_NAMES
    from sentiment.detect.effect import response_time_s

    def iso(moment):
        return moment.isoformat() if moment else None

    return {"id": issue.id, "title": issue.title, "status": issue.status,
            "status_name": ISSUE_STATUS_NAMES.get(issue.status, issue.status), "owner_id": issue.owner_id,
            "first_flagged_at": iso(issue.first_flagged_at), "acknowledged_at": iso(issue.acknowledged_at),
            "responded_at": iso(issue.responded_at), "closed_at": iso(issue.closed_at),
            "response_time_s": response_time_s(issue)}


def _done(issue, as_json: bool, message: str) -> None:
    if as_json:
        echo_json(_issue_dict(issue))
    else:
        click.echo(message)


@click.command("ack")
@click.argument("issue_id", type=int)
@BY_OPTION
@JSON_OPTION
@pass_app
def ack_cmd(app: AppContext, issue_id: int, username: str, as_json: bool) -> None:
    """Acknowledge ISSUE_ID (新发现 → 已确认)."""
    from publisher.services import issues

    with service_session(app) as session:
        issue = issues.acknowledge(session, actor_of(session, username), issue_id)
        _done(issue, as_json, f"话题 #{issue_id} 已确认（{username}）")


@click.command("assign")
@click.argument("issue_id", type=int)
@click.option("--to", "owner", required=True, help="Username of the person who handles the issue.")
@BY_OPTION
@JSON_OPTION
@pass_app
def assign_cmd(app: AppContext, issue_id: int, owner: str, username: str, as_json: bool) -> None:
    """Assign ISSUE_ID to a handler (a new issue is acknowledged by it)."""
    from publisher.services import issues

    with service_session(app) as session:
        issue = issues.assign(session, actor_of(session, username), issue_id, owner)
        _done(issue, as_json, f"话题 #{issue_id} 已指派给 {owner}")


@click.command("respond")
@click.argument("issue_id", type=int)
@click.option("--release", "release_id", type=int, default=None, help="Id of the release that answers it.")
@BY_OPTION
@JSON_OPTION
@pass_app
def respond_cmd(app: AppContext, issue_id: int, release_id: int | None, username: str, as_json: bool) -> None:
    """Mark ISSUE_ID as being answered (回应中), optionally linking the answering release."""
    from publisher.services import issues

    with service_session(app) as session:
        issue = issues.respond(session, actor_of(session, username), issue_id, release_id)
        linked = f"，回应稿件 #{release_id}" if release_id else ""
        _done(issue, as_json, f"话题 #{issue_id} 进入回应{linked}（{issue.status}）")


@click.command("close")
@click.argument("issue_id", type=int)
@click.option("--reason", default=None, help="Why it is closed.")
@BY_OPTION
@JSON_OPTION
@pass_app
def close_cmd(app: AppContext, issue_id: int, reason: str | None, username: str, as_json: bool) -> None:
    """Close ISSUE_ID (handling finished)."""
    from publisher.services import issues

    with service_session(app) as session:
        issue = issues.close(session, actor_of(session, username), issue_id, reason)
        _done(issue, as_json, f"话题 #{issue_id} 已关闭")


def register(cli: click.Group) -> None:
    from zhengyu.cli.detect_cmd import issues

    for command in (ack_cmd, assign_cmd, respond_cmd, close_cmd):
        issues.add_command(command)
