"""``zhengyu detect``, ``zhengyu replay`` and ``zhengyu issues``: emerging-issue detection."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError


@click.command("detect")
@pass_app
def detect(app: AppContext) -> None:
    """Find emerging issues in recent posts and grade their warning levels."""
    raise ZhengyuError("研判命令正在建设中")


def register(cli: click.Group) -> None:
    cli.add_command(detect)
