"""``zhengyu dashboard`` and ``zhengyu scheduler``: the long-running processes."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app


@click.command("dashboard")
@click.option("--port", type=int, default=None, help="Port (default: dashboard.port).")
@pass_app
def dashboard(app: AppContext, port: int | None) -> None:
    """Open the analysts' Streamlit dashboard on the configured store."""
    from zhengyu.processes import run_dashboard_foreground

    run_dashboard_foreground(app.settings, app.config_dir, port=port, echo=click.echo)


@click.command("scheduler")
@pass_app
def scheduler(app: AppContext) -> None:
    """Run the one scheduler process: crawl, analyse and detect on their intervals."""
    from zhengyu.scheduler import run_scheduler

    run_scheduler(app.settings, app.config_dir)


def register(cli: click.Group) -> None:
    cli.add_command(dashboard)
    cli.add_command(scheduler)
