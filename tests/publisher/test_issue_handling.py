"""Issue handling states with their audit trail, the answer's publication, and the answer's effect,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from publisher.services import issues
from publisher.services.issues import IssueStateError
from sentiment.detect.effect import answer_effect, response_time_s
from sentiment.detect.export import export_issues
from storage.engine import session_scope
from storage.models import Analysis, AuditLog, Issue, IssueMember, Post, Release
from zhengyu.clock import FrozenClock
from zhengyu.errors import NotFound, PermissionDenied
from tests.publisher.helpers import make_people

FLAGGED = datetime(2026, 5, 1, 0, 0, tzinfo=timezone.utc)
ANSWERED = FLAGGED + timedelta(hours=30)


def _issue(session, **fields) -> Issue:
    issue = Issue(signature="x", title="某地派出所执法争议", keywords=["派出所", "执法"], first_seen_at=FLAGGED,
                  last_seen_at=FLAGGED, first_flagged_at=FLAGGED, status="new", **fields)
    session.add(issue)
    session.flush()
    return issue


def test_states_move_in_order_with_who_and_when(session_factory):
    people = make_people(session_factory)
    clock = FrozenClock(FLAGGED + timedelta(hours=1))
    with session_scope(session_factory) as s:
        iid = _issue(s).id
        release = Release(title="回应", markdown="x", status="draft")
        s.add(release)
        s.flush()
        rid = release.id
    with pytest.raises(PermissionDenied):
        with session_scope(session_factory) as s:
            issues.acknowledge(s, people["editor1"], iid)
    with session_scope(session_factory) as s:
        issue = issues.acknowledge(s, people["analyst"], iid, clock=clock)
        assert (issue.status, issue.acknowledged_at) == ("acknowledged", clock.now())
    with pytest.raises(IssueStateError, match="新发现"):
        with session_scope(session_factory) as s:
            issues.acknowledge(s, people["leader"], iid)
    with pytest.raises(NotFound, match="用户 nobody"):
        with session_scope(session_factory) as s:
            issues.assign(s, people["analyst"], iid, "nobody")
    with session_scope(session_factory) as s:
        issues.assign(s, people["analyst"], iid, "editor1")
        issues.respond(s, people["editor1"], iid, rid, clock=clock)
        assert s.get(Issue, iid).status == "responding" and s.get(Release, rid).answers_issue_id == iid
    with session_scope(session_factory) as s:
        issue = issues.record_answer_published(s, s.get(Release, rid), ANSWERED)
        assert (issue.status, issue.responded_at) == ("responded", ANSWERED)
        assert response_time_s(issue) == 30 * 3600
    with session_scope(session_factory) as s:  # a second account publishing later changes nothing
        issues.record_answer_published(s, s.get(Release, rid), ANSWERED + timedelta(hours=2))
        assert s.get(Issue, iid).responded_at == ANSWERED
        issues.close(s, people["analyst"], iid, "已平息", clock=clock)
    with pytest.raises(IssueStateError, match="已经关闭"):
        with session_scope(session_factory) as s:
            issues.close(s, people["analyst"], iid)
    with pytest.raises(NotFound, match="话题 #9999"):
        with session_scope(session_factory) as s:
            issues.acknowledge(s, people["analyst"], 9999)
    with session_scope(session_factory) as s:
        trail = [(e.actor, e.action, e.detail.get("from"), e.detail.get("to")) for e in
                 s.scalars(select(AuditLog).where(AuditLog.object_type == "issue").order_by(AuditLog.id))]
    assert trail == [("editor1", "access.denied", None, None),
                     ("analyst", "issue.acknowledge", "new", "acknowledged"), ("analyst", "issue.assign", None, None),
                     ("editor1", "issue.respond", "acknowledged", "responding"),
                     ("publisher", "issue.answer_published", "responding", "responded"),
                     ("analyst", "issue.close", "responded", "closed")]


def _post(session, n, at, author, label, issue_id=None, text="派出所执法视频引发关注"):
    post = Post(platform="weibo", external_id=f"p{n}", text=text, content_hash=f"h{n}", published_at=at,
                author_hash=author)
    session.add(post)
    session.flush()
    if label:
        session.add(Analysis(post_id=post.id, label=label, score=0.1 if label == "neg" else 0.9, model_version="t"))
    if issue_id:
        session.add(IssueMember(issue_id=issue_id, post_id=post.id))
    return post


def test_answer_effect_compares_equal_windows_before_and_after(session_factory):
    with session_scope(session_factory) as s:
        issue = _issue(s, responded_at=ANSWERED)
        iid = issue.id
        hour = timedelta(hours=1)
        # before: 6 posts (5 analysed, 3 negative) by a, b, c, d — a and b wrote before the window too
        _post(s, 1, ANSWERED - 30 * hour, "a", "neg", iid)
        _post(s, 2, ANSWERED - 26 * hour, "b", "neg", iid)
        for n, (author, label) in enumerate([("a", "neg"), ("b", "neg"), ("c", "neg"), ("d", "pos"), ("d", None),
                                             ("c", "neu")], start=3):
            _post(s, n, ANSWERED - (n * 2) * hour, author, label, iid)
        # after: 3 posts (3 analysed, 1 negative) by c (seen before) and e, f (new)
        for n, (author, label) in enumerate([("c", "neg"), ("e", "pos"), ("f", "neu")], start=20):
            _post(s, n, ANSWERED + (n - 19) * hour, author, label, iid)
        _post(s, 30, ANSWERED + 2 * hour, "g", "neg", None, text="与本话题无关")  # not a member, no keyword
        _post(s, 31, ANSWERED + 3 * hour, "h", "neg", None)  # matches the keywords only
        _post(s, 32, ANSWERED + 30 * hour, "i", "neg", iid)  # outside the window
    with session_scope(session_factory) as s:
        issue = s.get(Issue, iid)
        effect = answer_effect(s, issue, ANSWERED + timedelta(days=3))
        before, after = effect.before, effect.after
        assert (before.volume, before.analysed, before.negative, before.authors, before.new_authors) == (6, 5, 3, 4, 2)
        assert (after.volume, after.analysed, after.negative, after.authors, after.new_authors) == (3, 3, 1, 3, 2)
        assert effect.complete and effect.window_hours == 24
        assert effect.volume_change == 0.5
        assert effect.negative_share_change == round(1 / 3 - 3 / 5, 4)
        assert effect.new_author_rate_change == round(2 / 3 - 2 / 4, 4)
        by_keywords = answer_effect(s, issue, ANSWERED + timedelta(days=3), basis="keywords")
        assert by_keywords.after.volume == 4 and by_keywords.basis == "keywords"
        running = answer_effect(s, issue, ANSWERED + timedelta(hours=2, minutes=30))
        assert not running.complete and running.window_hours == 2.5 and running.after.volume == 2
        row = export_issues(s, now=ANSWERED + timedelta(days=3))[0]
        assert row["response_time_s"] == 30 * 3600 and row["responded_at"] == ANSWERED.isoformat()
        assert row["answer_effect"]["before"]["volume"] == 6 and row["answer_effect"]["after"]["negative_share"] == 0.3333
        assert answer_effect(s, _issue(s), ANSWERED) is None
