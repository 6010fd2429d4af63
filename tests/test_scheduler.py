"""The scheduler process: its jobs in the database job store, with the options that keep them sane."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from storage.engine import make_engine
from zhengyu import scheduler as sched
from zhengyu.processes import child_environment
from zhengyu.settings import load_settings

SOURCE_YAML = """\
name: {name}
family: weibo
platform: weibo_sample
base_url: {base_url}
enabled: {enabled}
interval_s: {interval}
throttle: local
options:
  feeds: ["102803"]
  comments: true
  replies: true
"""


def write_source(sources_dir: Path, name: str, *, enabled: bool = True, interval: int = 120,
                 base_url: str = "http://127.0.0.1:9") -> None:
    sources_dir.mkdir(parents=True, exist_ok=True)
    (sources_dir / f"{name}.yaml").write_text(
        SOURCE_YAML.format(name=name, enabled=str(enabled).lower(), interval=interval, base_url=base_url),
        encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_runtime_left_behind(monkeypatch):
    """configure_jobs() installs a process-wide runtime; each test starts and ends without one."""
    monkeypatch.setattr(sched, "_runtime", None)
    yield
    if sched._runtime is not None:
        sched._runtime.session_factory.kw["bind"].dispose()


@pytest.fixture
def scheduler_settings(tmp_path, db_url):
    def make(**extra):
        overrides = {"data_dir": str(tmp_path / "data"), "database": {"url": db_url},
                     "crawl": {"sources_dir": str(tmp_path / "sources")},
                     "scheduler": {"analyze_interval_s": 45, "detect_interval_s": 600}}
        overrides.update(extra)
        return load_settings(Path(__file__).resolve().parent.parent / "config", overrides)

    return make


def _started(settings) -> BackgroundScheduler:
    scheduler = sched.build_scheduler(settings, scheduler_cls=BackgroundScheduler)
    sched.register_jobs(scheduler, settings)
    scheduler.start(paused=True)
    return scheduler


def test_jobs_are_stored_with_stable_ids_and_safe_options(tmp_path, db_url, engine, scheduler_settings):
    write_source(tmp_path / "sources", "city_police", interval=120)
    write_source(tmp_path / "sources", "court_news", interval=900)
    write_source(tmp_path / "sources", "switched_off", enabled=False)
    settings = scheduler_settings()
    scheduler = _started(settings)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"crawl:city_police", "crawl:court_news", "analyze", "detect", "brief:daily"}
        police = jobs["crawl:city_police"]
        assert police.func_ref == "zhengyu.scheduler:crawl_source_job" and police.args == ("city_police",)
        assert police.trigger.interval.total_seconds() == 120 and police.misfire_grace_time == 60
        assert jobs["crawl:court_news"].misfire_grace_time == 450
        assert jobs["analyze"].trigger.interval.total_seconds() == 45
        assert jobs["detect"].trigger.interval.total_seconds() == 600
        for job in jobs.values():
            assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time >= 30
    finally:
        scheduler.shutdown(wait=False)

    with make_engine(db_url).connect() as conn:
        stored = {row[0] for row in conn.execute(text(f"SELECT id FROM {sched.JOBSTORE_TABLE}"))}
    assert stored == set(jobs)

    # A restart after a source is switched off replaces the jobs in place and drops the stale one.
    write_source(tmp_path / "sources", "court_news", enabled=False, interval=900)
    write_source(tmp_path / "sources", "city_police", interval=300)
    scheduler = _started(scheduler_settings())
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"crawl:city_police", "analyze", "detect", "brief:daily"}
        assert jobs["crawl:city_police"].trigger.interval.total_seconds() == 300
    finally:
        scheduler.shutdown(wait=False)


def test_a_failing_job_is_logged_not_raised(tmp_path, db_url, engine, scheduler_settings, caplog):
    write_source(tmp_path / "sources", "unreachable", base_url="http://127.0.0.1:9")
    sched.configure_jobs(scheduler_settings(), tmp_path / "config")
    with caplog.at_level(logging.ERROR, logger="zhengyu.scheduler"):
        assert sched.crawl_source_job("no_such_source") is None
    assert any("crawl_source_job" in r.getMessage() and "失败" in r.getMessage() for r in caplog.records)


def test_job_without_runtime_fails_inside_the_boundary(caplog, monkeypatch):
    monkeypatch.setattr(sched, "_runtime", None)
    with caplog.at_level(logging.ERROR, logger="zhengyu.scheduler"):
        sched.detect_job()
    assert "调度任务尚未配置" in caplog.text


@pytest.mark.slow
def test_scheduler_process_starts_and_stops_cleanly_on_sigterm(tmp_path, db_url, engine, scheduler_settings):
    write_source(tmp_path / "sources", "city_police", interval=3600)
    settings = scheduler_settings()
    env = child_environment(settings, tmp_path / "config")
    process = subprocess.Popen([sys.executable, "-m", "zhengyu", "scheduler"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "调度器已启动" not in seen and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen += line
        assert "调度器已启动" in seen, seen
        with make_engine(db_url).connect() as conn:
            # crawl, analyse, detect and the daily brief
            assert conn.execute(text(f"SELECT count(*) FROM {sched.JOBSTORE_TABLE}")).scalar() == 4
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    assert "调度器已停止" in out and "Traceback" not in out


@pytest.mark.slow
def test_crawl_job_collects_from_the_sample_site(tmp_path, db_url, engine, scheduler_settings):
    from crawlers.sample_site import start_sample_site
    from storage.models import Post, Source

    with start_sample_site(port=0, backlog_posts=5) as site:
        write_source(tmp_path / "sources", "demo_weibo", base_url=site.url)
        runtime = sched.configure_jobs(scheduler_settings(), tmp_path / "config")
        sched.crawl_source_job("demo_weibo")
    with runtime.session_factory() as session:
        kinds = {kind for (kind,) in session.query(Post.kind).distinct()}
        source = session.query(Source).filter_by(name="demo_weibo").one()
    assert "post" in kinds and kinds & {"comment", "reply"}
    assert source.last_ok_at is not None and source.consecutive_failures == 0


def test_analyze_job_scores_every_pending_post(tmp_path, db_url, session_factory, scheduler_settings):
    from datetime import datetime, timezone

    from sqlalchemy import func, select

    from storage.models import Analysis, Post
    from tests.dashboard.seed import seed_store

    seed_store(session_factory, datetime.now(timezone.utc))
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 5
    sched.configure_jobs(scheduler_settings(), tmp_path / "config")
    sched.analyze_job()
    with session_factory() as session:
        posts = session.scalar(select(func.count()).select_from(Post))
        analyses = session.scalars(select(Analysis).where(Analysis.model_version != "test")).all()
    assert posts == 8 and len(analyses) == 3
    assert {a.label for a in analyses} <= {"neg", "neu", "pos"} and all(0 <= a.score <= 1 for a in analyses)
