"""The daily brief on schedule: made at 08:00 local time, stored in every format, queued for delivery once."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from publisher.briefs.delivery import run_daily_brief
from storage.engine import session_scope
from storage.models import Alert, Brief, BriefFile
from zhengyu import brief_jobs, scheduler as sched
from zhengyu.clock import FrozenClock

# 08:00 on 2 October in Beijing: yesterday (1 October, a holiday) has nothing in the store.
MORNING = datetime(2026, 10, 2, 0, 0, tzinfo=timezone.utc)


def test_the_job_makes_all_formats_and_queues_one_delivery_per_day(session_factory, brief_settings):
    settings = brief_settings(briefs={"link_base_url": "https://yq.example.gov.cn/"})
    info = run_daily_brief(session_factory, settings, FrozenClock(MORNING))
    assert info is not None and info.period_start == datetime(2026, 9, 30, 16, tzinfo=timezone.utc)
    assert info.formats == ("docx", "html", "pdf") and info.empty and info.generated_by == "scheduler"
    with session_scope(session_factory) as session:
        alert = session.scalars(select(Alert)).one()
        pdf = session.scalar(select(BriefFile.data).where(BriefFile.brief_id == info.id, BriefFile.format == "pdf"))
    assert alert.kind == "daily_brief" and alert.status == "pending" and alert.dedup_key == "brief:daily:2026-10-01"
    assert alert.detail == {"brief_id": info.id, "link": f"https://yq.example.gov.cn/briefs?id={info.id}",
                            "attachment_format": "pdf", "day": "2026-10-01", "empty": True}
    assert "本期无数据" in alert.body and alert.body.endswith(f"查看全文：https://yq.example.gov.cn/briefs?id={info.id}")
    assert pdf.startswith(b"%PDF")
    # A second run that day (a restart at 08:00) neither remakes the brief nor queues it again.
    assert run_daily_brief(session_factory, settings, FrozenClock(MORNING)) is None
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 1
        assert session.scalar(select(func.count()).select_from(Brief)) == 1


def test_the_job_is_a_cron_at_the_configured_local_time(brief_settings, engine):
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    assert brief_jobs.register_brief_jobs(scheduler, brief_settings(briefs={"daily_time": "7:30"})) == ["brief:daily"]
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("brief:daily")
        assert job.func_ref == "zhengyu.brief_jobs:daily_brief_job" and job.args == ()
        assert isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) == "Asia/Shanghai"
        fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 2, 23, 0, tzinfo=timezone.utc))
        assert fire.astimezone(timezone.utc) == datetime(2026, 11, 2, 23, 30, tzinfo=timezone.utc)  # 07:30 CST
        assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == 4 * 3600
    finally:
        scheduler.shutdown(wait=False)
    off = BackgroundScheduler(timezone="Asia/Shanghai")
    assert brief_jobs.register_brief_jobs(off, brief_settings(briefs={"daily_enabled": False})) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_scheduled_function_runs_with_the_scheduler_runtime(brief_settings, engine, session_factory,
                                                                monkeypatch, tmp_path):
    monkeypatch.setattr(sched, "_runtime", None)
    runtime = sched.configure_jobs(brief_settings(), Path(tmp_path))
    try:
        monkeypatch.setattr("zhengyu.clock.SystemClock", lambda: FrozenClock(MORNING))
        brief_jobs.daily_brief_job()
    finally:
        runtime.session_factory.kw["bind"].dispose()
    with session_scope(session_factory) as session:
        assert session.scalar(select(Brief.period_start)) == datetime(2026, 9, 30, 16, tzinfo=timezone.utc)
        assert session.scalar(select(Alert.dedup_key)) == f"brief:daily:{date(2026, 10, 1).isoformat()}"
