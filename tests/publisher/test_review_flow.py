"""三审三校 on SQLite and PostgreSQL: create → 初审 → 复审 → 终审 with three distinct reviewers, rejection,
edit after approval back to 初审, hash mismatch refused, and every transition audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from publisher.render import wechat_html
from publisher.review import NotPublishable, ReviewError, assert_publishable, content_hash
from publisher.services import releases
from publisher.services.releases import ReleaseError, ReleaseInput
from storage.access import SYSTEM_ACTOR
from storage.engine import session_scope
from storage.models import AuditLog, Release, ReleaseTarget, ReviewRecord
from storage.models.publishing import ReleaseAsset
from zhengyu.clock import FrozenClock
from zhengyu.errors import NotFound, PermissionDenied
from tests.publisher.helpers import LEXICONS, T0, article_input, image_bytes, make_people


@pytest.fixture
def people(session_factory):
    return make_people(session_factory)


@pytest.fixture
def clock():
    return FrozenClock(T0)


def _create(session_factory, people, tmp_path, clock, **kwargs):
    with session_scope(session_factory) as s:
        outcome = releases.create(s, people["editor1"], article_input(tmp_path, **kwargs), lexicons=LEXICONS,
                                  clock=clock)
    return outcome


def _review(session_factory, people, release_id, who, decision="approve", comment=None, clock=None):
    with session_scope(session_factory) as s:
        return releases.review_release(s, people[who], release_id, decision, comment, lexicons=LEXICONS, clock=clock)


def _approve_all(session_factory, people, release_id, clock, reviewers=("rev1", "rev2", "rev3")):
    for who in reviewers:
        clock.advance(timedelta(minutes=5))
        _review(session_factory, people, release_id, who, comment=f"{who} 同意", clock=clock)


def test_three_distinct_reviewers_approve_in_order_and_it_becomes_publishable(session_factory, people, tmp_path,
                                                                               clock):
    outcome = _create(session_factory, people, tmp_path, clock)
    assert outcome.release["status"] == "first_review" and outcome.report.ok, outcome.report.to_dict()
    rid = outcome.id
    statuses = []
    for who in ("rev1", "rev2", "rev3"):
        clock.advance(timedelta(minutes=5))
        statuses.append(_review(session_factory, people, rid, who, comment="同意", clock=clock).release["status"])
    assert statuses == ["second_review", "final_review", "approved"]
    with session_scope(session_factory) as s:
        release = s.get(Release, rid)
        assert_publishable(s, release)
        records = s.scalars(select(ReviewRecord).where(ReviewRecord.release_id == rid).order_by(ReviewRecord.id)).all()
        assert [r.stage for r in records] == ["first", "second", "final"]
        assert {r.content_hash for r in records} == {content_hash(s, release)} == {release.content_hash}
        assert [r.at for r in records] == [T0 + timedelta(minutes=5 * i) for i in (1, 2, 3)]
        log = [(e.actor, e.action, e.detail.get("from"), e.detail.get("to")) for e in
               s.scalars(select(AuditLog).where(AuditLog.object_type == "release").order_by(AuditLog.id))]
        assert log == [("editor1", "release.create", None, None),
                       ("editor1", "release.submit", "draft", "first_review"),
                       ("rev1", "release.review", "first_review", "second_review"),
                       ("rev2", "release.review", "second_review", "final_review"),
                       ("rev3", "release.review", "final_review", "approved")]
        # the article HTML refers to the stored image through the caller's resolver
        body = wechat_html(s, release, lambda asset: f"https://mmbiz.qpic.cn/mmbiz_png/{asset.sha256[:8]}/0")
        image = s.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == rid, ReleaseAsset.role == "image")).one()
        assert f"mmbiz_png/{image.sha256[:8]}/0" in body and image.ref == "images/%E7%8E%B0%E5%9C%BA.png"
        # the preview holds exactly the article HTML, with the images as data: URIs
        page = releases.preview(s, people["rev1"], rid)
        assert wechat_html(s, release, releases.data_uri) in page and "data:image/png;base64," in page


def test_same_reviewer_twice_author_and_roles_are_refused(session_factory, people, tmp_path, clock):
    rid = _create(session_factory, people, tmp_path, clock).id
    _review(session_factory, people, rid, "rev1")
    with pytest.raises(ReviewError, match="同一审核人"):
        _review(session_factory, people, rid, "rev1")
    with pytest.raises(PermissionDenied, match="审核"):
        _review(session_factory, people, rid, "editor2")  # no reviewer role
    with pytest.raises(PermissionDenied):
        with session_scope(session_factory) as s:
            releases.review_release(s, SYSTEM_ACTOR, rid, "approve", lexicons=LEXICONS)
    # an editor-reviewer who edited the release may not sign it
    with session_scope(session_factory) as s:
        releases.edit(s, people["both"], rid, ReleaseInput(digest="新的摘要"), lexicons=LEXICONS, clock=clock)
    with pytest.raises(ReviewError, match="作者"):
        _review(session_factory, people, rid, "both")
    with session_scope(session_factory) as s:
        assert s.get(Release, rid).status == "first_review"
        denied = s.scalars(select(AuditLog).where(AuditLog.action == "access.denied")).all()
        assert {e.actor for e in denied} == {"editor2", "cli"}


def test_rejection_returns_to_draft_with_the_comment_and_a_new_round_follows(session_factory, people, tmp_path,
                                                                              clock):
    rid = _create(session_factory, people, tmp_path, clock).id
    _review(session_factory, people, rid, "rev1")
    with pytest.raises(ReviewError, match="退回意见"):
        _review(session_factory, people, rid, "rev2", "reject")
    outcome = _review(session_factory, people, rid, "rev2", "reject", "第二段数字需核实")
    assert outcome.release["status"] == "draft"
    assert outcome.release["reviews"][-1]["comment"] == "第二段数字需核实"
    with pytest.raises(ReviewError, match="不在审核中"):
        _review(session_factory, people, rid, "rev3")
    with session_scope(session_factory) as s:
        releases.edit(s, people["editor1"], rid, article_input(tmp_path, digest="核实后的摘要"), lexicons=LEXICONS,
                      clock=clock)
        assert s.get(Release, rid).status == "first_review" and s.get(Release, rid).review_round == 2
    # rev1 and rev2 signed the old round; in the new one they may sign again, in any stage
    _approve_all(session_factory, people, rid, clock, ("rev2", "rev1", "rev3"))
    with session_scope(session_factory) as s:
        assert_publishable(s, s.get(Release, rid))


def test_edit_after_approval_goes_back_to_first_review_and_off_the_schedule(session_factory, people, tmp_path,
                                                                             clock):
    rid = _create(session_factory, people, tmp_path, clock).id
    _approve_all(session_factory, people, rid, clock)
    with session_scope(session_factory) as s:  # what pub-wechat's scheduling does
        release = s.get(Release, rid)
        release.status, release.scheduled_at = "scheduled", T0 + timedelta(days=1)
        for target in s.scalars(select(ReleaseTarget).where(ReleaseTarget.release_id == rid)):
            target.status, target.scheduled_at = "scheduled", T0 + timedelta(days=1)
    with session_scope(session_factory) as s:  # an edit that changes nothing keeps the signatures
        outcome = releases.edit(s, people["editor1"], rid, article_input(tmp_path), lexicons=LEXICONS, clock=clock)
        assert not outcome.changed and outcome.release["status"] == "scheduled"
    for change in (dict(title="关于专项整治的最新通报"), dict(accounts=("平安某市", "某市法院"))):
        with session_scope(session_factory) as s:
            outcome = releases.edit(s, people["editor2"], rid, article_input(tmp_path, **change), lexicons=LEXICONS,
                                    clock=clock)
        assert outcome.changed and outcome.release["status"] == "first_review"
        assert all(t["status"] == "pending" and t["scheduled_at"] is None for t in outcome.release["targets"])
        with session_scope(session_factory) as s:
            release = s.get(Release, rid)
            assert release.scheduled_at is None
            with pytest.raises(NotPublishable):
                assert_publishable(s, release)
        _approve_all(session_factory, people, rid, clock)
    with session_scope(session_factory) as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.action == "release.edit")).all()
        assert entries[0].detail["from"] == "scheduled" and entries[0].detail["unscheduled_targets"]
        assert entries[0].detail["old_hash"] != entries[0].detail["new_hash"]


def test_cover_change_alters_the_hash_and_a_changed_hash_is_never_publishable(session_factory, people, tmp_path,
                                                                               clock):
    rid = _create(session_factory, people, tmp_path, clock).id
    _approve_all(session_factory, people, rid, clock)
    with session_scope(session_factory) as s:
        release = s.get(Release, rid)
        before = content_hash(s, release)
        cover = s.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == rid, ReleaseAsset.role == "cover")).one()
        cover.data, cover.sha256 = image_bytes("JPEG", colour=(0, 0, 0)), "0" * 64  # changed behind the workflow
        s.flush()
        assert content_hash(s, release) != before
        with pytest.raises(NotPublishable, match="内容指纹"):
            assert_publishable(s, release)
        s.rollback()
    with session_scope(session_factory) as s:
        release = s.get(Release, rid)
        release.markdown += "\n补充一句。"
        s.flush()
        with pytest.raises(NotPublishable, match="内容指纹"):
            assert_publishable(s, release)
        s.rollback()


def test_publishing_or_later_cannot_be_edited_or_reviewed(session_factory, people, tmp_path, clock):
    rid = _create(session_factory, people, tmp_path, clock).id
    _approve_all(session_factory, people, rid, clock)
    for status in ("publishing", "published", "partly_published", "failed", "cancelled"):
        with session_scope(session_factory) as s:
            s.get(Release, rid).status = status
        with pytest.raises(ReviewError, match="发布流程"):
            with session_scope(session_factory) as s:
                releases.edit(s, people["editor1"], rid, ReleaseInput(title="改"), lexicons=LEXICONS)
        with pytest.raises(ReviewError, match="发布流程"):
            _review(session_factory, people, rid, "rev4")


def test_bad_input_is_refused_whole(session_factory, people, tmp_path, clock):
    with pytest.raises(NotFound, match="公众号 不存在的号"):
        _create(session_factory, people, tmp_path, clock, accounts=("平安某市", "不存在的号"))
    with pytest.raises(ReleaseError, match="停用"):
        _create(session_factory, people, tmp_path, clock, accounts=("停用号",))
    with pytest.raises(NotFound, match="稿件 #999"):
        _review(session_factory, people, 999, "rev1")
    with pytest.raises(PermissionDenied):
        with session_scope(session_factory) as s:
            releases.create(s, people["rev1"], article_input(tmp_path), lexicons=LEXICONS)
    with session_scope(session_factory) as s:
        assert s.scalars(select(Release)).all() == []
        assert s.scalars(select(ReleaseAsset)).all() == []
