"""The Weibo-family spider end to end: real ``zhengyu crawl`` subprocesses against the sample site, on both
SQLite and PostgreSQL; complete threads, incremental re-runs, edits, grown counts, and a killed crawl."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from crawlers.sample_site import start_sample_site
from storage.engine import make_session_factory, session_scope
from storage.models.collection import CrawlRun, Post, Source, SourceCursor
from tests.crawlers.helpers import (REPO_ROOT, crawl_command, expected_weibo, run_crawl, stored_posts,
                                    weibo_source, write_config)
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
TRADITIONAL_ONLY = "們說與會這個為來對時後發"  # common characters whose simplified forms differ

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    clock = FrozenClock(T0)
    handle = start_sample_site(seed=7, posts_per_minute=4, clock=clock, start=T0 - timedelta(minutes=15),
                               backlog_posts=20, incidents=[(T0 - timedelta(minutes=10), 2.0)])
    handle.clock = clock
    yield handle
    handle.stop()


def test_crawl_collects_every_post_comment_and_reply_with_links(site, engine, db_url, tmp_path):
    config = write_config(tmp_path, [weibo_source(site.url)])
    result = run_crawl(config, db_url, "t_weibo")
    assert "完成" in result.stdout

    expected = expected_weibo(site.stream, T0)
    stored = stored_posts(engine, "weibo_sample")
    assert set(stored) == set(expected)
    assert {k for k, (kind, _) in expected.items() if kind == "reply"}, "the sample should contain 楼中楼 replies"
    assert {k for k, (kind, parent) in expected.items() if kind == "post" and parent}, "and reposts"
    for ext, (kind, parent) in expected.items():
        row = stored[ext]
        assert row["kind"] == kind
        assert row["parent"] == parent
        if kind != "post":
            root = parent if kind == "comment" else expected[parent][1]
            assert row["root"] == root
    # Privacy: only a 64-hex keyed hash and a coarse type; the platform's numeric user ids appear nowhere.
    user_ids = {str(p.user.id) for p in site.stream.visible_posts(T0)}
    for row in stored.values():
        assert re.fullmatch(r"[0-9a-f]{64}", row["author_hash"])
        assert row["author_hash"] not in user_ids
        assert row["author_type"] in {"official", "media", "self_media", "netizen"}
    # Normalised at ingest: emoticon images become [怒]-style text, HTML is gone, traditional → simplified.
    assert any("url-icon" in r["text_raw"] for r in stored.values())
    assert all("<" not in r["text"] for r in stored.values())
    assert any(re.search(r"\[[^\]]{1,4}\]", r["text"]) for r in stored.values())
    traditional = [p for p in site.stream.visible_posts(T0) if p.traditional]
    assert traditional, "the sample should contain traditional-character posts"
    for post in traditional:
        assert not set(stored[str(post.id)]["text"]) & set(TRADITIONAL_ONLY)

    with session_scope(make_session_factory(engine)) as s:
        source = s.execute(select(Source).where(Source.name == "t_weibo")).scalar_one()
        assert source.consecutive_failures == 0 and source.last_ok_at is not None
        run = s.execute(select(CrawlRun)).scalar_one()
        assert run.status == "ok" and run.items_new == len(expected)
        assert s.execute(select(SourceCursor.value).where(SourceCursor.key == "high_water")).scalar_one()


def test_second_crawl_adds_nothing_and_later_crawls_add_only_what_is_new(site, engine, db_url, tmp_path):
    config = write_config(tmp_path, [weibo_source(site.url)])
    run_crawl(config, db_url, "t_weibo")
    first = stored_posts(engine, "weibo_sample")

    again = run_crawl(config, db_url, "t_weibo")
    assert "新增 0 条，更新 0 条" in again.stdout
    assert stored_posts(engine, "weibo_sample").keys() == first.keys()

    later = T0 + timedelta(minutes=25)
    site.clock.set(later)
    run_crawl(config, db_url, "t_weibo")
    stored = stored_posts(engine, "weibo_sample")
    expected = expected_weibo(site.stream, later)
    assert set(stored) == set(expected) | set(first)  # deleted posts stay stored (flagged), nothing lost
    edited = [p for p in site.stream.visible_posts(later)
              if p.edited_at is not None and p.at <= T0 < p.edited_at <= later]
    assert edited, "the sample should edit some posts in this window"
    for post in edited:
        assert "补充" in stored[str(post.id)]["text"]
    grown = [p for p in site.stream.visible_posts(later)
             if str(p.id) in first and len(p.comments_at(later)) > first[str(p.id)]["comments_count"]]
    assert grown
    for post in grown:
        assert stored[str(post.id)]["comments_count"] == len(post.comments_at(later))


def test_since_until_limit_the_posts(site, engine, db_url, tmp_path):
    config = write_config(tmp_path, [weibo_source(site.url)])
    since, until = T0 - timedelta(minutes=15), T0 - timedelta(minutes=5)
    run_crawl(config, db_url, "t_weibo", "--since", since.isoformat(), "--until", until.isoformat())
    stored = stored_posts(engine, "weibo_sample")
    posts = {k: r for k, r in stored.items() if r["kind"] == "post" and r["parent"] is None}  # reposts follow
    wanted = {str(p.id) for p in site.stream.visible_posts(T0) if since <= p.at < until}
    assert set(posts) == wanted


def test_killed_crawl_resumes_without_gap_or_duplicate(site, engine, db_url, tmp_path):
    slow = weibo_source(site.url, throttle={"concurrency": 1, "delay_s": 0.06, "autothrottle": False})
    config = write_config(tmp_path, [slow])
    proc = subprocess.Popen(crawl_command(config, db_url, "t_weibo"), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env={**os.environ, "ZHENGYU_SECRETS__AUTHOR_HASH_KEY": "test-key"})
    expected = expected_weibo(site.stream, T0)
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            count = conn.execute(select(func.count(Post.id))).scalar_one()
        if count >= 100:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert 0 < count < len(expected), "the crawl should have been killed mid-way"

    write_config(tmp_path, [weibo_source(site.url)])
    run_crawl(config, db_url, "t_weibo")
    stored = stored_posts(engine, "weibo_sample")  # asserts one row per external id
    assert set(stored) == set(expected)
    for ext, (kind, parent) in expected.items():
        assert stored[ext]["parent"] == parent
