"""Forum, news (configured selectors and generic extraction), RSS/Atom and message-board families, crawled
from the sample site in one ``zhengyu crawl`` run per step, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawlers.sample_site import start_sample_site
from crawlers.sample_site.board import category, contact_of, is_message, reply_of
from crawlers.sample_site.forum import is_thread
from crawlers.sample_site.news import _title, is_article
from sentiment.normalize import normalize_text
from storage.privacy import personal_data_kinds
from tests.crawlers.helpers import (expected_board, expected_forum, expected_news, family_sources, run_crawl,
                                    stored_posts, write_config)
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
NAMES = ["demo_forum", "demo_news", "demo_gov_news", "demo_feeds", "demo_board"]

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    clock = FrozenClock(T0)
    handle = start_sample_site(seed=11, posts_per_minute=3, clock=clock, start=T0 - timedelta(minutes=20),
                               backlog_posts=40, incidents=[(T0 - timedelta(minutes=12), 4.0)])
    handle.clock = clock
    yield handle
    handle.stop()


def _check_links(stored, expected, exact=True):
    """Exactly what the site shows; after deletions on the site, at least that (deleted items stay stored)."""
    assert set(stored) == set(expected) if exact else set(expected) <= set(stored)
    for ext, (kind, parent) in expected.items():
        assert stored[ext]["kind"] == kind, ext
        assert stored[ext]["parent"] == parent, ext


def test_every_family_is_collected_completely_and_incrementally(site, engine, db_url, tmp_path):
    config = write_config(tmp_path, family_sources(site.url))
    first = run_crawl(config, db_url, *NAMES)
    for name in NAMES:
        assert f"{name}：完成" in first.stdout, first.stdout + first.stderr

    # Forum: GB18030 pages under wrong/missing charset headers, 楼中楼, every thread page, one cut-off page.
    forum = stored_posts(engine, "tieba_sample")
    _check_links(forum, expected_forum(site.stream, T0))
    threads = [p for p in site.stream.visible_posts(T0) if is_thread(p)]
    assert any(p.id % 29 == 4 for p in threads), "the sample should include a page cut off in transit"
    assert any(len([c for c in p.comments_at(T0) if not c.is_reply]) >= 10 for p in threads), \
        "the sample should include a thread with more than one page"
    for post in threads:
        assert forum[str(post.id)]["text"] == normalize_text(post.text_at(T0))
    assert not any("\ufffd" in r["text"] for r in forum.values())

    # News portal with selectors and a comment API; the permanently broken article is skipped, not fatal.
    _check_links(stored_posts(engine, "news_sample"), expected_news(site.stream, T0))

    # Government portal: generic extraction on GB18030 pages, keyed by content hash (no ids in view).
    gov = stored_posts(engine, "gov_sample")
    articles = [p for p in site.stream.visible_posts(T0) if is_article(p)]
    assert len(gov) == len(articles)
    assert all(ext.startswith("sha256:") for ext in gov)
    by_title = {r["text"].splitlines()[0] if r["text"] else "": r for r in gov.values()}
    for post in articles:
        assert normalize_text(post.text_at(T0)) in by_title, _title(post, T0)
        row = by_title[normalize_text(post.text_at(T0))]
        assert row["published_at"] == post.at.replace(second=0, microsecond=0)

    # Feeds: RSS 2.0 (some items without guid → content hash) and a GB18030 Atom feed.
    feeds = stored_posts(engine, "feed_sample")
    assert len(feeds) == 2 * min(30, len(articles))
    assert any(ext.startswith("sha256:") for ext in feeds) and any(ext.startswith("tag:") for ext in feeds)

    # Message board: message, category, status, and the official reply with its date once answered.
    board = stored_posts(engine, "board_sample")
    _check_links(board, expected_board(site.stream, T0))

    again = run_crawl(config, db_url, *NAMES)
    for name in NAMES:
        assert f"{name}：完成，新增 0 条，更新 0 条" in again.stdout, again.stdout

    later = T0 + timedelta(minutes=40)
    site.clock.set(later)
    run_crawl(config, db_url, *NAMES)
    forum = stored_posts(engine, "tieba_sample")
    assert set(expected_forum(site.stream, later)) <= set(forum)
    board = stored_posts(engine, "board_sample")
    _check_links(board, expected_board(site.stream, later), exact=False)
    answered_late = [p for p in site.stream.visible_posts(later)
                     if is_message(p) and p.at <= T0 < reply_of(p)[0] <= later]
    assert answered_late, "some messages should be answered between the two crawls"
    for post in answered_late:
        assert board[f"{post.id}:reply"]["published_at"] is not None
    assert set(expected_news(site.stream, later)) <= set(stored_posts(engine, "news_sample"))


def test_message_board_fields(site, engine, db_url, tmp_path):
    from sqlalchemy import select

    from storage.models.collection import Post

    config = write_config(tmp_path, [s for s in family_sources(site.url) if s["name"] == "demo_board"])
    run_crawl(config, db_url, "demo_board")
    with engine.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(Post).where(Post.platform == "board_sample"))}
    contacts = 0
    for post in site.stream.visible_posts(T0):
        if not is_message(post):
            continue
        message = rows[str(post.id)]
        # Personal numbers never reach the store (text, raw markup or title), the rest of the complaint does.
        assert normalize_text(post.text) in message.text
        assert personal_data_kinds(message.text) == personal_data_kinds(message.text_raw) == set()
        if contact_of(post):
            contacts += 1
            assert "已隐去]" in message.text and "已隐去]" in message.text_raw
        answered = T0 >= reply_of(post)[0]
        assert message.extra["category"] == category(post.text)
        assert message.extra["status"] == ("已回复" if answered else message.extra["status"])
        assert message.region == post.user.province
        if answered:
            reply = rows[f"{post.id}:reply"]
            assert reply.author_type == "official"
            assert reply.extra["reply_org"] == reply_of(post)[1]
            assert reply.published_at == reply_of(post)[0].replace(second=0, microsecond=0)
    assert contacts >= 3, "the sample should include complaints with personal numbers"
