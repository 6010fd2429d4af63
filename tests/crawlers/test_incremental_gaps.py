"""A list walk stopped by ``max_pages`` leaves a gap that later runs resume, so a backlog deeper than
``max_pages`` is collected in full; the runs that leave a gap say they are incomplete.

Before the fix the cursor advanced to the newest post after the first truncated walk, and the posts below the
stopping point were never fetched."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from crawlers.sample_site import start_sample_site
from storage.models.collection import CrawlRun, SourceCursor
from tests.crawlers.helpers import run_crawl, stored_posts, weibo_source, write_config
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

pytestmark = pytest.mark.slow


def test_a_backlog_deeper_than_max_pages_is_collected_over_several_runs(engine, db_url, tmp_path):
    clock = FrozenClock(T0)
    site = start_sample_site(seed=9, posts_per_minute=0.5, clock=clock, start=T0 - timedelta(minutes=30),
                             backlog_posts=45, incidents=[], flaky=False)
    try:
        options = {"feeds": ["102803"], "comments": False, "replies": False, "reposts": False}
        config = write_config(tmp_path, [weibo_source(site.url, max_pages=3, revisit_hours=0, options=options)])
        expected = {str(p.id) for p in site.stream.visible_posts(T0)}
        assert len(expected) > 40  # five list pages of ten: more than one run's worth

        first = run_crawl(config, db_url, "t_weibo")
        assert "t_weibo：未完成（其余部分下次继续）" in first.stdout and "max_pages" in first.stdout
        assert len(stored_posts(engine, "weibo_sample")) == 30
        status = run_crawl(config, db_url, "--status", "--json")
        row = json.loads(status.stdout)["sources"][0]
        assert row["last_status"] == "incomplete" and row["last_problems"][0]["code"] == "gap"

        for run in range(2, 8):
            clock.advance(timedelta(minutes=2))  # new posts keep arriving on top while the gap is worked off
            out = run_crawl(config, db_url, "t_weibo")
            if "t_weibo：完成" in out.stdout:
                break
        assert "t_weibo：完成" in out.stdout, out.stdout
        stored = stored_posts(engine, "weibo_sample")
        assert expected <= set(stored)
        assert set(stored) == {str(p.id) for p in site.stream.visible_posts(clock.now())}
        with engine.connect() as conn:
            statuses = [r.status for r in conn.execute(select(CrawlRun.status).order_by(CrawlRun.id))]
            gaps = conn.execute(select(SourceCursor.value).where(SourceCursor.key.like("gaps:%"))).all()
        assert statuses[0] == "incomplete" and statuses[-1] == "ok" and "failed" not in statuses
        assert gaps == []  # closed once the resumed walk reached its floor
    finally:
        site.stop()
