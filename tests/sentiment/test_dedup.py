"""Near-duplicate clustering across sources: 首发, repost counts, incremental batches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sentiment.dedup import Deduplicator, shingles
from storage.engine import session_scope
from storage.models import Cluster, Post
from tests.sentiment.detect_helpers import T0, add_post

ORIGINAL = "【城关派出所辅警打人】今天下午城关派出所一名辅警在执法过程中殴打群众，视频在网上流传，当事人受伤住院。"


def test_shingles_ignore_punctuation_urls_and_mentions():
    assert shingles("你好，世界！", 3) == shingles("你好世界 http://t.cn/x @某人", 3)
    assert shingles("短", 3) == set()


def test_reposts_across_platforms_form_one_cluster_with_first_source(session_factory):
    dedup = Deduplicator()
    with session_scope(session_factory) as session:
        first = add_post(session, "w1", ORIGINAL, T0, "weibo", reposts=10)
        unrelated = add_post(session, "n1", "市图书馆本周六举办读书分享会，欢迎广大市民报名参加活动。", T0 + timedelta(minutes=1))
        dedup.process(session, [first, unrelated])
        assert first.cluster_id is None  # a lone post has no cluster row
    with session_scope(session_factory) as session:
        copies = [
            add_post(session, "t1", "转发：" + ORIGINAL, T0 + timedelta(minutes=5), "tieba"),
            add_post(session, "d1", ORIGINAL.replace("今天下午", "") + "太过分了", T0 + timedelta(minutes=9), "douyin",
                     reposts=3),
            add_post(session, "w0", ORIGINAL + " http://t.cn/abc", T0 - timedelta(minutes=3), "weibo"),
            add_post(session, "short", "转发微博", T0 + timedelta(minutes=2)),
        ]
        touched = dedup.process(session, copies)
        assert len(touched) == 1
    with session_scope(session_factory) as session:
        clusters = session.scalars(select(Cluster)).all()
        assert len(clusters) == 1
        cluster = clusters[0]
        members = session.scalars(select(Post.external_id).where(Post.cluster_id == cluster.id)).all()
        assert sorted(members) == ["d1", "t1", "w0", "w1"]
        assert cluster.size == 4
        assert cluster.source_count == 3
        early = session.scalar(select(Post).where(Post.external_id == "w0"))
        assert cluster.first_post_id == early.id  # the earliest post is the 首发, whatever the arrival order
        assert cluster.first_platform == "weibo"
        assert cluster.repost_count == 3 + 10 + 3  # copies + reported reposts
        assert session.scalar(select(Post.cluster_id).where(Post.external_id == "n1")) is None
        assert session.scalar(select(Post.cluster_id).where(Post.external_id == "short")) is None


def test_hydrate_lets_a_fresh_process_join_existing_clusters(session_factory):
    with session_scope(session_factory) as session:
        a = add_post(session, "a", ORIGINAL, T0)
        b = add_post(session, "b", "转发：" + ORIGINAL, T0 + timedelta(minutes=1))
        Deduplicator().process(session, [a, b])
    fresh = Deduplicator()
    with session_scope(session_factory) as session:
        fresh.hydrate(session, T0 - timedelta(days=1), T0 + timedelta(hours=1))
        c = add_post(session, "c", ORIGINAL + "！！", T0 + timedelta(minutes=30), "news")
        fresh.process(session, [c])
    with session_scope(session_factory) as session:
        assert len(session.scalars(select(Cluster)).all()) == 1
        assert session.scalar(select(Cluster.size)) == 3


def test_old_posts_leave_the_index():
    dedup = Deduplicator()

    class P:  # the index needs only these attributes
        def __init__(self, i, at):
            self.id, self.text, self.published_at, self.fetched_at, self.cluster_id = i, f"完全不同的内容编号{i}号帖子正文", at, at, None

    class S:
        def add(self, _): ...
        def flush(self): ...
        def execute(self, *_): ...

    dedup.process(S(), [P(i, T0 + timedelta(hours=i)) for i in range(5)])
    dedup.process(S(), [P(99, T0 + timedelta(days=10))])
    assert len(dedup) == 1
