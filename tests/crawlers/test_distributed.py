"""Distributed mode: two crawler processes share one scrapy-redis queue and dupefilter on a real redis-server
and split one source's work with no duplicate and no lost item."""

from __future__ import annotations

import os
from collections import Counter
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from crawlers.sample_site import start_sample_site
from storage.models.collection import CrawlRun
from tests.crawlers.helpers import (REPO_ROOT, crawl_command, expected_weibo, stored_posts, weibo_source,
                                    write_config)
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

pytestmark = pytest.mark.slow


def test_two_crawlers_split_one_source_without_duplicates_or_losses(redis_server, engine, db_url, tmp_path):
    site = start_sample_site(seed=5, posts_per_minute=3, clock=FrozenClock(T0), start=T0 - timedelta(minutes=10),
                             backlog_posts=20, incidents=[(T0 - timedelta(minutes=8), 3.0)])
    try:
        source = weibo_source(site.url, throttle={"concurrency": 1, "delay_s": 0.08, "autothrottle": False})
        config = write_config(tmp_path, [source], redis_url=redis_server.url)
        env = {**os.environ, "ZHENGYU_SECRETS__AUTHOR_HASH_KEY": "test-key"}
        procs = [subprocess.Popen(crawl_command(config, db_url, "t_weibo"), cwd=REPO_ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [p.communicate(timeout=240) for p in procs]
        for proc, (out, err) in zip(procs, outputs):
            assert proc.returncode == 0, out + err

        expected = expected_weibo(site.stream, T0)
        stored = stored_posts(engine, "weibo_sample")  # asserts one row per external id
        assert set(stored) == set(expected)
        for ext, (kind, parent) in expected.items():
            assert stored[ext]["parent"] == parent
        with engine.connect() as conn:
            runs = conn.execute(select(CrawlRun.status, CrawlRun.items_new)).all()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert all(r.items_new > 0 for r in runs), f"both crawlers should have done part of the work: {runs}"
        assert sum(r.items_new for r in runs) == len(expected)
        counts = Counter(p for p in site.requests if p != "/robots.txt")
        fetched_twice = {p for p, n in counts.items() if n > 1}
        assert fetched_twice <= set(site.app._seen_flaky), "only a 503-once page may be fetched a second time"
    finally:
        site.stop()

