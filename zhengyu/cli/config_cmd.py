"""``zhengyu config``: check, show and document the settings."""

from __future__ import annotations

import json

import click

from zhengyu.cli.app import AppContext, pass_app


@click.group("config")
def config_group() -> None:
    """Check the configuration, show the effective settings, print the settings table."""


@config_group.command("check")
@pass_app
def check(app: AppContext) -> None:
    """Load config/settings.yaml and the environment; report the first problem in one line."""
    settings = app.settings
    click.echo(f"配置有效：{app.config_dir / 'settings.yaml'}（数据库：{settings.database_url.split('://')[0]}）")


@config_group.command("show")
@pass_app
def show(app: AppContext) -> None:
    """Print the effective settings as JSON (secrets masked)."""
    click.echo(json.dumps(app.settings.model_dump(mode="json"), ensure_ascii=False, indent=2))


@config_group.command("docs")
def docs() -> None:
    """Print the Markdown settings table (the source of docs/settings.md)."""
    from zhengyu.settings_docs import settings_markdown

    click.echo(settings_markdown(), nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(config_group)
