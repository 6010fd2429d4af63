"""``zhengyu demo``: the whole system on embedded defaults."""

from __future__ import annotations

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError


@click.command("demo")
@click.option("--port", type=int, default=None, help="Dashboard port (default: dashboard.port, 8501).")
@click.option("--no-dashboard", is_flag=True, help="Collect and analyse only; do not start the dashboard.")
@pass_app
def demo(app: AppContext, port: int | None, no_dashboard: bool) -> None:
    """Start a live system with nothing configured: a local sample site, a crawler, analysis and the dashboard.

    Data goes to a SQLite file under data_dir. Stop with Ctrl-C.
    """
    from zhengyu.demo import run_demo

    if not (app.config_dir / "sources").is_dir():
        # Without the sources, rules and lexicons every round would fail one step at a time; say so once.
        raise ZhengyuError(f"找不到配置目录 {app.config_dir}（演示需要其中的采集源、预警规则和词典）："
                           "请在项目根目录运行，或用 --config 指定配置目录")
    run_demo(app.settings, app.config_dir, dashboard_port=port, with_dashboard=not no_dashboard, echo=click.echo)


def register(cli: click.Group) -> None:
    cli.add_command(demo)
