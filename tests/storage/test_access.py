"""The access table: roles allow actions, refusals raise a Chinese error and stay in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import access
from storage.engine import session_scope
from storage.models import AuditLog, User
from zhengyu.errors import NotFound, PermissionDenied


def test_a_refusal_is_audited_even_though_the_callers_transaction_rolls_back(session_factory):
    with session_scope(session_factory) as s:
        s.add(User(username="ed", display_name="编辑甲", roles=["editor"]))
    with pytest.raises(PermissionDenied, match="审核"):
        with session_scope(session_factory) as s:
            actor = access.actor_by_username(s, "ed")
            s.add(User(username="should-vanish", display_name="x", roles=[]))
            access.require(s, actor, "release.review", "release", 7)
    with session_scope(session_factory) as s:
        denied = s.scalars(select(AuditLog).where(AuditLog.action == "access.denied")).one()
        assert (denied.actor, denied.object_id, denied.detail["denied_action"]) == ("ed", "7", "release.review")
        assert s.scalar(select(User).where(User.username == "should-vanish")) is None


def test_roles_and_the_system_actor(session_factory):
    reviewer = access.Actor(username="rv", roles=frozenset({"reviewer"}), user_id=1)
    assert access.allowed(reviewer, "release.review")
    assert not access.allowed(reviewer, "release.create")
    assert access.allowed(access.SYSTEM_ACTOR, "account.manage")
    assert not access.allowed(access.SYSTEM_ACTOR, "release.review")  # a review needs a named reviewer
    with pytest.raises(KeyError):
        access.allowed(reviewer, "no.such.action")
    with session_scope(session_factory) as s:
        with pytest.raises(NotFound):
            access.actor_by_username(s, "nobody")
