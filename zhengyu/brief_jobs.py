"""The scheduler's brief job: the daily brief at ``briefs.daily_time`` local time (see publisher.briefs.delivery)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from zhengyu.scheduler import _current_runtime, job_boundary
from zhengyu.settings import Settings

log = logging.getLogger(__name__)

DAILY_BRIEF_JOB_ID = "brief:daily"
# Made late is better than not made: a scheduler that was down at 08:00 and is back by noon still makes it.
DAILY_BRIEF_GRACE_S = 4 * 3600


@job_boundary
def daily_brief_job() -> None:
    """Make, store and queue the previous day's brief (once per day)."""
    from publisher.briefs.delivery import run_daily_brief
    from zhengyu.clock import SystemClock

    runtime = _current_runtime()
    run_daily_brief(runtime.session_factory, runtime.settings, SystemClock())


def register_brief_jobs(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    """Add the daily-brief job (a cron trigger in the scheduler's time zone, ``timezone``); its id, or none."""
    if not settings.briefs.daily_enabled:
        return []
    hour, minute = (int(part) for part in settings.briefs.daily_time.split(":"))
    scheduler.add_job(daily_brief_job, "cron", hour=hour, minute=minute, id=DAILY_BRIEF_JOB_ID, name="舆情日报",
                      replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=DAILY_BRIEF_GRACE_S)
    return [DAILY_BRIEF_JOB_ID]
