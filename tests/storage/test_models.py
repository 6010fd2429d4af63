"""Core records on both SQLite and PostgreSQL: migrations, constraints, time zones, threads, audit log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from storage import audit, migrate
from storage.engine import make_engine, session_scope
from storage.models import (
    Alert, Analysis, AuditLog, Base, Issue, IssueLevelChange, Post, Release, ReviewRecord, Source, User,
)

BEIJING = timezone(timedelta(hours=8))


def test_migrations_create_every_table_and_match_the_models(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(engine) is not None
    assert migrate.schema_differences(engine) == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'z.db'}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_post_thread_links_comments_and_replies_to_parents(session_factory):
    with session_scope(session_factory) as s:
        src = Source(name="weibo-demo", family="weibo")
        s.add(src)
        s.flush()
        post = Post(source_id=src.id, platform="weibo", external_id="P1", kind="post", text="派出所民警热心帮助群众",
                    content_hash="h1", published_at=datetime(2026, 5, 1, 9, 30, tzinfo=BEIJING))
        s.add(post)
        s.flush()
        comment = Post(platform="weibo", external_id="C1", kind="comment", parent_id=post.id, root_id=post.id,
                       text="点赞👍", content_hash="h2")
        s.add(comment)
        s.flush()
        reply = Post(platform="weibo", external_id="R1", kind="reply", parent_id=comment.id, root_id=post.id,
                     text="同意", content_hash="h3")
        s.add(reply)
    with session_scope(session_factory) as s:
        root = s.scalars(select(Post).where(Post.external_id == "P1")).one()
        assert [c.external_id for c in root.children] == ["C1"]
        assert root.children[0].children[0].external_id == "R1"
        assert root.published_at == datetime(2026, 5, 1, 1, 30, tzinfo=timezone.utc)
        assert root.published_at.tzinfo is not None


def test_platform_and_external_id_are_unique(session_factory):
    with session_scope(session_factory) as s:
        s.add(Post(platform="weibo", external_id="X", text="a", content_hash="a"))
    with pytest.raises(IntegrityError):
        with session_scope(session_factory) as s:
            s.add(Post(platform="weibo", external_id="X", text="b", content_hash="b"))
    with session_scope(session_factory) as s:  # the same id on another platform is another post
        s.add(Post(platform="tieba", external_id="X", text="b", content_hash="b"))
    with session_scope(session_factory) as s:
        assert s.query(Post).count() == 2


def test_naive_datetimes_are_refused(session_factory):
    with pytest.raises(Exception, match="naive datetime"):
        with session_scope(session_factory) as s:
            s.add(Post(platform="weibo", external_id="N", text="a", content_hash="a",
                       published_at=datetime(2026, 1, 1, 12, 0)))


def test_analysis_issue_alert_release_review_round_trip(session_factory):
    now = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
    with session_scope(session_factory) as s:
        post = Post(platform="news", external_id="A1", kind="article", title="通报", text="警情通报", content_hash="x")
        editor = User(username="editor1", display_name="编辑甲", roles=["editor"])
        reviewer = User(username="rev1", display_name="审核乙", roles=["reviewer"])
        s.add_all([post, editor, reviewer])
        s.flush()
        s.add(Analysis(post_id=post.id, label="neg", score=0.12, model_version="t1", keywords=["警情通报"],
                       categories=["涉警"]))
        issue = Issue(signature="kw:警情", title="某地警情引关注", keywords=["警情"], first_seen_at=now,
                      last_seen_at=now, level="黄", level_reason="负面占比超过 40%")
        s.add(issue)
        s.flush()
        s.add(IssueLevelChange(issue_id=issue.id, at=now, from_level=None, to_level="黄",
                               reason="负面占比超过 40%", rules_version="2026.1"))
        s.add(Alert(kind="issue", issue_id=issue.id, level="黄", dedup_key=f"issue:{issue.id}:黄", title="预警"))
        release = Release(title="关于网传警情的情况通报", markdown="# 情况通报", created_by=editor.id,
                          answers_issue_id=issue.id)
        s.add(release)
        s.flush()
        s.add(ReviewRecord(release_id=release.id, stage="first", reviewer_id=reviewer.id, decision="approve"))
    with session_scope(session_factory) as s:
        post = s.scalars(select(Post)).one()
        assert post.analysis.label == "neg" and post.analysis.categories == ["涉警"]
        issue = s.scalars(select(Issue)).one()
        assert [c.to_level for c in issue.level_changes] == ["黄"]
        assert s.scalars(select(Release)).one().answers_issue_id == issue.id
    with pytest.raises(IntegrityError):  # one alert per dedup key: never a storm
        with session_scope(session_factory) as s:
            s.add(Alert(kind="issue", level="黄", dedup_key=f"issue:{issue.id}:黄", title="重复预警"))


def test_audit_log_is_append_only(session_factory):
    with session_scope(session_factory) as s:
        audit.record(s, "admin", "user.create", "user", 1, username="editor1")
    with pytest.raises(audit.AuditLogIsAppendOnly):
        with session_scope(session_factory) as s:
            entry = s.scalars(select(AuditLog)).one()
            entry.action = "tampered"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        with session_scope(session_factory) as s:
            s.delete(s.scalars(select(AuditLog)).one())
    with session_scope(session_factory) as s:
        assert s.scalars(select(AuditLog.action)).all() == ["user.create"]


def test_downgrade_to_base_and_upgrade_again(engine):
    migrate.downgrade(engine, "base")
    assert "posts" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert "posts" in inspect(engine).get_table_names()
