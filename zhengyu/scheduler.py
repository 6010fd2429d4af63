"""``zhengyu scheduler``: the one APScheduler process, owner of its job store (a table in the same database).

Jobs are module-level functions taking ids only (a source name), so the job store holds nothing but
those ids: the settings, which carry secrets, never get pickled into the database. The process's runtime
(settings, children's environment, the analyser) is installed once by ``configure_jobs`` before the
scheduler starts. Crawls and detection run as ``zhengyu`` subprocesses (a Scrapy reactor cannot restart
inside one long-lived process); analysis runs in-process so its model is loaded once.

Every job catches its own errors at the boundary and logs them; a failing source never stops the others.
"""

from __future__ import annotations

import functools
import logging
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from zhengyu.errors import ZhengyuError
from zhengyu.processes import child_environment, cli_command
from zhengyu.settings import Settings

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
CRAWL_JOB_PREFIX = "crawl:"
ANALYZE_JOB_ID = "analyze"
DETECT_JOB_ID = "detect"


@dataclass
class JobRuntime:
    """What the jobs of this process need and may not keep in the job store."""

    settings: Settings
    config_dir: Path
    env: dict[str, str]
    session_factory: Any
    running: set[subprocess.Popen] = field(default_factory=set)
    _analyzer: Any = None
    _idf_refresher: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def analyzer(self):
        with self._lock:
            if self._analyzer is None:
                from sentiment.analyzer import Analyzer

                self._analyzer = Analyzer.from_settings(self.settings)
            return self._analyzer

    def idf_refresher(self):
        """The analysis job's keeper of the store-learnt IDF table (None: ``analysis.idf_auto_refresh`` off)."""
        with self._lock:
            if self._idf_refresher is None:
                from sentiment.worker import IdfRefresher
                from zhengyu.clock import SystemClock

                self._idf_refresher = IdfRefresher.from_settings(self.session_factory, self.settings,
                                                                 SystemClock().now)
            return self._idf_refresher

    def run_cli(self, *args: str) -> int:
        """Run ``zhengyu ARGS`` with this process's settings; output goes to our log stream."""
        process = subprocess.Popen(cli_command(*args), env=self.env, stdin=subprocess.DEVNULL)
        self.running.add(process)
        try:
            return process.wait(self.settings.scheduler.job_timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise ZhengyuError(f"zhengyu {' '.join(args)} 运行超过 {self.settings.scheduler.job_timeout_s} 秒，已终止")
        finally:
            self.running.discard(process)

    def stop_running(self) -> None:
        for process in list(self.running):
            process.terminate()


# Installed by configure_jobs() in the scheduler process only; see the module docstring for why.
_runtime: JobRuntime | None = None


def configure_jobs(settings: Settings, config_dir: Path | str) -> JobRuntime:
    """Give this process's jobs their settings and storage (call before the scheduler starts)."""
    global _runtime
    from storage.engine import make_engine, make_session_factory

    db = settings.database
    engine = make_engine(settings.database_url, echo=db.echo, sqlite_busy_timeout_ms=db.sqlite_busy_timeout_ms)
    _runtime = JobRuntime(settings=settings, config_dir=Path(config_dir),
                          env=child_environment(settings, config_dir), session_factory=make_session_factory(engine))
    return _runtime


def _current_runtime() -> JobRuntime:
    if _runtime is None:
        raise ZhengyuError("调度任务尚未配置：请通过 zhengyu scheduler 运行")
    return _runtime


def job_boundary(func: Callable[..., Any]) -> Callable[..., None]:
    """Log a job's failure instead of letting it escape into the scheduler."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except Exception:  # the job boundary: record and carry on with the next run
            log.exception("任务 %s%s 失败", func.__name__, args)

    return wrapper


@job_boundary
def crawl_source_job(source_name: str) -> None:
    """One crawl round of one source (the crawler records the source's health itself)."""
    code = _current_runtime().run_cli("crawl", source_name)
    if code != 0:
        raise ZhengyuError(f"采集源 {source_name} 的采集进程退出码为 {code}")


@job_boundary
def analyze_job() -> None:
    """Score every post that has no analysis yet (first rebuilding the store's IDF table if that is due)."""
    from sentiment.worker import analyze_all_pending

    runtime = _current_runtime()
    done = analyze_all_pending(runtime.session_factory, runtime.analyzer(), runtime.settings.analysis.batch_size,
                               idf_refresher=runtime.idf_refresher())
    log.info("analysed %s posts", done)


@job_boundary
def detect_job() -> None:
    """One emerging-issue detection tick."""
    code = _current_runtime().run_cli("detect")
    if code != 0:
        raise ZhengyuError(f"研判进程退出码为 {code}")


def _enabled_sources(settings: Settings) -> dict[str, int]:
    """Enabled sources by name, with their crawl intervals in seconds."""
    from crawlers.sources import load_sources

    return {name: source.interval_s for name, source in load_sources(settings.crawl.sources_dir).items()
            if source.enabled}


def register_jobs(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    """Add (or replace) every job; returns their ids. Jobs of sources no longer enabled go at start."""
    # A missed run (the process was down or busy) still runs if it is late by less than the grace time;
    # coalesce folds a backlog into one run, so a restart never triggers a burst of crawls.
    options = {"replace_existing": True, "coalesce": True, "max_instances": 1}
    ids = []
    for name, interval_s in sorted(_enabled_sources(settings).items()):
        job_id = CRAWL_JOB_PREFIX + name
        scheduler.add_job(crawl_source_job, "interval", args=[name], id=job_id, name=f"采集 {name}",
                          seconds=interval_s, misfire_grace_time=max(60, interval_s // 2), **options)
        ids.append(job_id)
    analyze_s = settings.scheduler.analyze_interval_s
    scheduler.add_job(analyze_job, "interval", id=ANALYZE_JOB_ID, name="情感分析", seconds=analyze_s,
                      misfire_grace_time=max(30, analyze_s), **options)
    detect_s = settings.scheduler.detect_interval_s
    scheduler.add_job(detect_job, "interval", id=DETECT_JOB_ID, name="舆情研判", seconds=detect_s,
                      misfire_grace_time=max(60, detect_s // 2), **options)
    ids += [ANALYZE_JOB_ID, DETECT_JOB_ID]
    from zhengyu.brief_jobs import register_brief_jobs

    ids += register_brief_jobs(scheduler, settings)

    def drop_stale_jobs(_event) -> None:
        for job in scheduler.get_jobs():
            if job.id not in ids:
                log.info("removing job %s: its source is no longer enabled", job.id)
                job.remove()

    scheduler.add_listener(drop_stale_jobs, EVENT_SCHEDULER_START)
    return ids


def build_scheduler(settings: Settings, scheduler_cls: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler whose job store is a table in the configured database."""
    from storage.engine import make_engine

    db = settings.database
    engine = make_engine(settings.database_url, sqlite_busy_timeout_ms=db.sqlite_busy_timeout_ms)
    return scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
        executors={"default": {"type": "threadpool", "max_workers": 4}},
        timezone=settings.timezone,
    )


def run_scheduler(settings: Settings, config_dir: Path | str) -> None:
    """Run the scheduler until Ctrl-C or SIGTERM; running jobs finish (their children are asked to stop)."""
    from storage import migrate
    from storage.engine import make_engine

    migrate.upgrade(make_engine(settings.database_url))
    runtime = configure_jobs(settings, config_dir)
    scheduler = build_scheduler(settings)
    ids = register_jobs(scheduler, settings)
    scheduler.add_listener(lambda _event: log.info("调度器已启动，任务：%s", "、".join(ids)), EVENT_SCHEDULER_START)

    def shut_down() -> None:
        runtime.stop_running()
        scheduler.shutdown(wait=True)  # running jobs finish; then start() below returns

    def on_signal(_signum, _frame) -> None:
        # Not in the handler itself: it interrupts the main thread anywhere, possibly holding a scheduler lock.
        if scheduler.running:
            log.info("调度器正在停止……")
            threading.Thread(target=shut_down, name="scheduler-shutdown").start()

    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        scheduler.start()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("调度器已停止。")
