"""Real rows for the dashboard tests: posts and comments on two platforms, most of them analysed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.engine import session_scope
from storage.models import Analysis, Post, Source


@dataclass(frozen=True)
class SeededStore:
    now: datetime
    posts_recent: int = 3  # posts within the last 7 days (all platforms)
    comments_recent: int = 4
    old_posts: int = 1  # a post from 10 days ago


def _post(source_id, platform, external_id, kind, text, published_at, parent=None):
    return Post(
        source_id=source_id, platform=platform, external_id=external_id, kind=kind, text_raw=text, text=text,
        published_at=published_at, fetched_at=published_at + timedelta(minutes=1), parent=parent,
        author_type="netizen", content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def seed_store(session_factory, now: datetime) -> SeededStore:
    """3 recent posts + 4 comments on weibo/tieba, an old post; sentiment: 2 负面, 2 中性, 1 正面."""
    with session_scope(session_factory) as session:
        source = Source(name="test_weibo", family="weibo")
        session.add(source)
        session.flush()
        p1 = _post(source.id, "weibo", "w1", "post", "某地派出所民警深夜救助走失老人，网友点赞😊",
                   now - timedelta(hours=5))
        p2 = _post(source.id, "weibo", "w2", "post", "法院执行难问题何时解决？当事人苦等三年",
                   now - timedelta(hours=2))
        p3 = _post(source.id, "tieba", "t1", "post", "關於交通違法處理流程的討論", now - timedelta(minutes=30))
        c1 = _post(source.id, "weibo", "w1c1", "comment", "为民警点赞", now - timedelta(hours=4), parent=p1)
        c2 = _post(source.id, "weibo", "w2c1", "comment", "太失望了，拖了这么久", now - timedelta(minutes=70),
                   parent=p2)
        c3 = _post(source.id, "weibo", "w2c2", "reply", "同感，希望有关部门重视", now - timedelta(minutes=50),
                   parent=c2)
        c4 = _post(source.id, "tieba", "t1c1", "comment", "去窗口办理就行", now - timedelta(minutes=10),
                   parent=p3)
        old = _post(source.id, "weibo", "w0", "post", "十天前的旧帖子", now - timedelta(days=10))
        session.add_all([p1, p2, p3, c1, c2, c3, c4, old])
        session.flush()
        for post, label, score in ((p1, "pos", 0.93), (p2, "neg", 0.08), (c2, "neg", 0.05), (c3, "neu", 0.5),
                                   (c4, "neu", 0.55)):
            session.add(Analysis(post_id=post.id, label=label, score=score, model_version="test",
                                 analyzed_at=now))
    return SeededStore(now=now)
