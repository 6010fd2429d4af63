"""``zhengyu crawl`` and ``zhengyu extract``: collection."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError


@click.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Crawl every enabled source.")
@click.option("--status", is_flag=True, help="Print the sources' health table instead of crawling.")
@click.option("--since", default=None, help="Only items published at or after this time (ISO 8601).")
@click.option("--until", default=None, help="Only items published before this time (ISO 8601).")
@pass_app
def crawl(app: AppContext, sources, all_sources, status, since, until) -> None:
    """Collect public posts and comments from SOURCES (names in config/sources/*.yaml)."""
    raise ZhengyuError("采集命令正在建设中")


def register(cli: click.Group) -> None:
    cli.add_command(crawl)
