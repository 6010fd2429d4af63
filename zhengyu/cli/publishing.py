"""``zhengyu alerts`` and ``zhengyu sandbox``: the outbound side (``zhengyu release`` is in ``releases.py``)."""

from __future__ import annotations

import click
from sqlalchemy import select

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError

STATUS_NAMES = {"pending": "待发送", "sent": "已发送", "failed": "发送失败", "acknowledged": "已确认",
                "suppressed": "已合并"}


@click.group("alerts")
def alerts_group() -> None:
    """Alerts to leadership and operators: list them and acknowledge them."""


@alerts_group.command("list")
@click.option("--status", type=click.Choice(sorted(STATUS_NAMES)), default=None, help="Only this status.")
@click.option("--limit", type=int, default=50, show_default=True)
@pass_app
def list_alerts(app: AppContext, status: str | None, limit: int) -> None:
    """List the newest alerts."""
    from sentiment.detect.rules import LEVEL_COLOUR_NAMES
    from storage.engine import session_scope
    from storage.models import Alert

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        query = select(Alert).order_by(Alert.created_at.desc()).limit(limit)
        if status:
            query = query.where(Alert.status == status)
        alerts = session.scalars(query).all()
        if not alerts:
            click.echo("（暂无预警）")
        for alert in alerts:
            level = LEVEL_COLOUR_NAMES.get(alert.level, alert.level) if alert.level else "-"
            click.echo(f"#{alert.id}\t{alert.created_at:%Y-%m-%d %H:%M}\t{level}\t"
                       f"{STATUS_NAMES.get(alert.status, alert.status)}\t{alert.title}")


@alerts_group.command("ack")
@click.argument("alert_id", type=int)
@click.option("--by", "username", required=True, help="Username of the person acknowledging.")
@pass_app
def ack(app: AppContext, alert_id: int, username: str) -> None:
    """Acknowledge alert ALERT_ID (leadership has seen it)."""
    from storage import audit
    from storage.engine import session_scope
    from storage.models import Alert, User
    from storage.models.base import utcnow

    app.migrated_engine()
    with session_scope(app.session_factory()) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise ZhengyuError(f"预警 #{alert_id} 不存在")
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ZhengyuError(f"用户 {username} 不存在（先用 zhengyu user add 创建）")
        alert.status = "acknowledged"
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by = user.id
        audit.record(session, username, "alert.acknowledge", "alert", alert_id)
    click.echo(f"预警 #{alert_id} 已确认")


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8808, show_default=True)
def sandbox(host: str, port: int) -> None:
    """Run the local WeChat official-account API sandbox (a test double of the real API)."""
    raise ZhengyuError("微信接口沙箱尚未提供：它随发布模块（wechatpy 发布与审核流程）一起交付")


def register(cli: click.Group) -> None:
    cli.add_command(alerts_group)
    cli.add_command(sandbox)
