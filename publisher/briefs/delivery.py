"""The scheduled daily brief: make it, store it, and queue its delivery to leadership once per day.

Delivery goes through the alert queue: one ``Alert`` of kind ``daily_brief`` per day (its dedup key is the
day), carrying the summary, the link to the brief in the dashboard and the id of the stored brief whose PDF
goes out as the email attachment. A rerun of the job on the same day (a restart at 08:00) finds that alert
and does nothing, so leaders never get the same day twice and the stored files stay the ones delivered.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from publisher.services import briefs
from publisher.services.briefs import BriefInfo
from storage.access import Actor
from storage.engine import session_scope
from storage.models import Alert
from zhengyu.clock import Clock
from zhengyu.settings import Settings

log = logging.getLogger(__name__)

SCHEDULER_ACTOR = Actor(username="scheduler", roles=frozenset({"admin"}), user_id=None, display_name="调度器")
ATTACHMENT_FORMAT = "pdf"


def delivery_key(day: date) -> str:
    return f"brief:daily:{day.isoformat()}"


def brief_link(settings: Settings, brief_id: int) -> str | None:
    base = settings.briefs.link_base_url
    return f"{base.rstrip('/')}/briefs?id={brief_id}" if base else None


def queue_delivery(session: Session, info: BriefInfo, day: date, settings: Settings) -> Alert:
    """The day's delivery alert (created once; an existing one is returned unchanged)."""
    key = delivery_key(day)
    existing = session.scalar(select(Alert).where(Alert.dedup_key == key))
    if existing is not None:
        return existing
    link = brief_link(settings, info.id)
    body = info.summary + (f"\n查看全文：{link}" if link else "")
    alert = Alert(kind="daily_brief", dedup_key=key, title=info.title, body=body, status="pending",
                  detail={"brief_id": info.id, "link": link, "attachment_format": ATTACHMENT_FORMAT,
                          "day": day.isoformat(), "empty": info.empty})
    session.add(alert)
    session.flush()
    return alert


def run_daily_brief(session_factory: sessionmaker[Session], settings: Settings, clock: Clock) -> BriefInfo | None:
    """Make yesterday's brief in every format and queue it; None when it was already made and queued."""
    day = briefs.yesterday(settings, clock)
    with session_scope(session_factory) as session:
        if session.scalar(select(Alert.id).where(Alert.dedup_key == delivery_key(day))) is not None:
            log.info("daily brief of %s already generated and queued", day)
            return None
        info = briefs.generate_daily(session, SCHEDULER_ACTOR, settings, day, clock=clock)
        alert = queue_delivery(session, info, day, settings)
    log.info("舆情日报 %s（%s）已生成，投递预警 #%s 已排队", info.number_text, day, alert.id)
    return info
