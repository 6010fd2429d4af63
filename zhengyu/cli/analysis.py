"""``zhengyu analyze`` and ``zhengyu analyze-text``: text analysis."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError


@click.command("analyze")
@click.option("--once", is_flag=True, help="Analyse what is pending and exit (default: keep polling).")
@pass_app
def analyze(app: AppContext, once: bool) -> None:
    """Score sentiment, keywords and categories of posts not yet analysed."""
    raise ZhengyuError("分析命令正在建设中")


def register(cli: click.Group) -> None:
    cli.add_command(analyze)
