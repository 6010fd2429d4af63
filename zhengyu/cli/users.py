"""``zhengyu user``: accounts of the people who use the system, with roles."""

from __future__ import annotations

import click
from sqlalchemy import select

from storage.access import ROLE_NAMES
from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError



@click.group("user")
def user_group() -> None:
    """Manage users and their roles (editor, reviewer, analyst, leader, admin)."""


@user_group.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name, e.g. 张三.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLE_NAMES)),
              help="Role (repeatable).")
@pass_app
def add(app: AppContext, username: str, display_name: str, roles: tuple[str, ...]) -> None:
    """Create user USERNAME with one or more roles."""
    from storage import audit
    from storage.engine import session_scope
    from storage.models import User

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        if session.scalar(select(User).where(User.username == username)):
            raise ZhengyuError(f"用户 {username} 已存在")
        user = User(username=username, display_name=display_name, roles=sorted(set(roles)))
        session.add(user)
        session.flush()
        audit.record(session, "cli", "user.create", "user", user.id, username=username, roles=user.roles)
    click.echo(f"已创建用户 {username}（{display_name}），角色：{'、'.join(ROLE_NAMES[r] for r in sorted(set(roles)))}")


@user_group.command("list")
@pass_app
def list_users(app: AppContext) -> None:
    """List users and their roles."""
    from storage.engine import session_scope
    from storage.models import User

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        users = session.scalars(select(User).order_by(User.username)).all()
        if not users:
            click.echo("（暂无用户）")
        for user in users:
            roles = "、".join(ROLE_NAMES.get(r, r) for r in user.roles)
            click.echo(f"{user.username}\t{user.display_name}\t{roles}\t{'启用' if user.active else '停用'}")


def register(cli: click.Group) -> None:
    cli.add_command(user_group)
