"""The sample site: deterministic, evolving content in the shapes of the real platforms."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from crawlers.encoding import decode_html
from crawlers.sample_site import start_sample_site
from crawlers.sample_site.stream import SampleStream
from tests.crawlers.helpers import REPO_ROOT
from tests.servers import free_port, wait_for_port
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def site():
    clock = FrozenClock(T0)
    handle = start_sample_site(seed=1, posts_per_minute=6, clock=clock, start=T0 - timedelta(minutes=30),
                               flaky=False)
    handle.clock = clock
    yield handle
    handle.stop()


def get(site, path: str):
    with urlopen(site.url + path) as response:
        return response.read(), response.headers


def get_json(site, path: str) -> dict:
    return json.loads(get(site, path)[0])


def test_stream_is_deterministic_and_grows_over_time():
    a = SampleStream(42, T0, 10)
    b = SampleStream(42, T0, 10)
    later = T0 + timedelta(minutes=20)
    assert [(p.id, p.text) for p in a.visible_posts(later)] == [(p.id, p.text) for p in b.visible_posts(later)]
    other = SampleStream(43, T0, 10)
    assert [p.text for p in other.visible_posts(later)] != [p.text for p in a.visible_posts(later)]
    assert len(a.visible_posts(T0 + timedelta(minutes=30))) > len(a.visible_posts(later)) > len(a.visible_posts(T0))
    post = max(a.visible_posts(later), key=lambda p: len(p.comments))
    assert len(post.comments_at(post.at + timedelta(hours=5))) > len(post.comments_at(post.at + timedelta(minutes=1)))


def test_stream_content_is_varied_public_opinion_text():
    stream = SampleStream(7, T0, 20, incidents=[(T0 + timedelta(minutes=5), 10.0)])
    posts = stream.visible_posts(T0 + timedelta(hours=3))
    texts = " ".join(p.text for p in posts)
    for word in ("派出所", "法院", "诈骗"):
        assert word in texts
    assert any(p.traditional for p in posts)
    assert any("[怒]" in p.text or "😡" in p.text for p in posts)
    assert {p.sentiment for p in posts} == {"positive", "negative", "neutral"}
    assert any(p.deleted_at for p in posts) and any(p.edited_at for p in posts)
    burst = [p for p in posts if p.incident == 0]
    assert len(burst) >= 20 and all(p.sentiment == "negative" for p in burst)
    assert {p.user.author_type for p in posts} >= {"official", "netizen"}


def test_weibo_feed_and_search_shapes(site):
    page1 = get_json(site, "/api/container/getIndex?containerid=102803&page=1")
    assert page1["ok"] == 1 and page1["data"]["cardlistInfo"]["page"] == 2
    mblog = page1["data"]["cards"][0]["mblog"]
    assert {"id", "created_at", "text", "user", "comments_count", "reposts_count", "attitudes_count"} <= set(mblog)
    ids = [c["mblog"]["id"] for c in page1["data"]["cards"]]
    page2 = get_json(site, "/api/container/getIndex?containerid=102803&page=2")
    assert not set(ids) & {c["mblog"]["id"] for c in page2["data"]["cards"]}
    assert get_json(site, "/api/container/getIndex?containerid=102803&page=999") == {
        "ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    search = get_json(site, "/api/container/getIndex?containerid=" + quote("100103type=1&q=法院"))
    group = search["data"]["cards"][0]["card_group"]
    assert group and all("法院" in g["mblog"]["text"] for g in group)


def test_hotflow_cursor_paging_returns_every_comment_once_and_ends_with_zero(site):
    posts = site.stream.visible_posts(T0)
    post = max(posts, key=lambda p: len([c for c in p.comments_at(T0) if not c.is_reply]))
    seen, max_id, pages = [], 0, 0
    while True:
        query = f"id={post.id}&mid={post.id}&max_id_type=0" + (f"&max_id={max_id}" if max_id else "")
        data = get_json(site, f"/api/comments/hotflow?{query}")["data"]
        seen += [c["id"] for c in data["data"]]
        pages += 1
        max_id = data["max_id"]
        if max_id == 0:
            break
    tops = [str(c.id) for c in post.comments_at(T0) if not c.is_reply]
    assert seen == tops and pages == -(-len(tops) // 20)
    quiet = next(p for p in posts if not p.comments_at(T0))
    assert get_json(site, f"/api/comments/hotflow?id={quiet.id}&mid={quiet.id}") == {"ok": 0, "msg": "快来发表你的评论吧"}


def test_deleted_posts_disappear_and_say_so(site):
    stream = site.stream
    later = T0 + timedelta(hours=2)
    deleted = next(p for p in stream.posts_until(T0) if p.deleted_at and p.deleted_at <= later)
    site.clock.set(later)
    try:
        show = get_json(site, f"/api/statuses/show?id={deleted.id}")
        assert show["ok"] == 0 and show["errno"] == "20101"
        assert deleted not in stream.visible_posts(later)
    finally:
        site.clock.set(T0)


def test_forum_pages_are_gb18030_with_unreliable_headers(site):
    declared = set()
    for pn in (0, 20):
        body, headers = get(site, f"/forum/f?kw={quote('临江')}&pn={pn}")
        declared.add(headers.get("Content-Type"))
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        assert "j_thread_list" in decode_html(body, headers.get("Content-Type"))
    emoji_threads = [p for p in site.stream.visible_posts(T0)
                     if p.seq % 3 == 0 and any(ord(ch) > 0xFFFF for ch in p.text)]
    assert emoji_threads, "the sample should hold emoji in forum threads"
    body, headers = get(site, f"/p/{emoji_threads[0].id}")  # emoji survive only because the bytes are GB18030
    assert emoji_threads[0].text in decode_html(body, headers.get("Content-Type")).replace("&quot;", '"')
    with pytest.raises(HTTPError) as err:
        urlopen(site.url + "/p/123")
    assert err.value.code == 404


def test_robots_txt_disallows_the_private_area(site):
    body, _ = get(site, "/robots.txt")
    assert "Disallow: /private/" in body.decode()


def test_runs_as_a_process():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawlers.sample_site", "--port", str(port), "--seed", "5",
                             "--posts-per-minute", "30", "--start", "2026-03-02T01:00:00+00:00",
                             "--frozen-at", "2026-03-02T02:00:00+00:00"],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_port(port)
        data = json.loads(urlopen(f"http://127.0.0.1:{port}/api/container/getIndex?containerid=102803").read())
        assert data["data"]["cardlistInfo"]["total"] == len(SampleStream(5, datetime(2026, 3, 2, 1, 0,
                                                                                      tzinfo=timezone.utc), 30)
                                                            .visible_posts(datetime(2026, 3, 2, 2, 0,
                                                                                    tzinfo=timezone.utc)))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert out == b""  # prints nothing (it logs)
