"""``zhengyu demo``: the whole system on embedded defaults."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app


@click.command("demo")
@click.option("--port", type=int, default=None, help="Dashboard port (default: dashboard.port, 8501).")
@click.option("--no-dashboard", is_flag=True, help="Collect and analyse only; do not start the dashboard.")
@pass_app
def demo(app: AppContext, port: int | None, no_dashboard: bool) -> None:
    """Start a live system with nothing configured: a local sample site, a crawler, analysis and the dashboard.

    Data goes to a SQLite file under data_dir. Stop with Ctrl-C.
    """
    from zhengyu.demo import run_demo

    run_demo(app.settings, app.config_dir, dashboard_port=port, with_dashboard=not no_dashboard, echo=click.echo)


def register(cli: click.Group) -> None:
    cli.add_command(demo)
