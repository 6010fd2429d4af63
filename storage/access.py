"""Who may do what: one table of actions by role, used by every service function.

The dashboard hides what a role may not do, but the service refuses it, and the refusal is written to the
audit log. The command line acts as ``SYSTEM_ACTOR`` (whoever can run ``zhengyu`` on the server already holds
the database), except where a command names the person acting (``--by USER``), who is then checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit
from storage.models import User
from storage.models.users import ROLES
from zhengyu.errors import NotFound, PermissionDenied

ROLE_NAMES = {"editor": "编辑", "reviewer": "审核", "analyst": "分析员", "leader": "领导", "admin": "管理员"}

# action -> roles allowed. Admin may do everything an office needs to unblock, except signing a review stage
# it does not hold the reviewer role for (the 审核单 must carry a reviewer's signature).
ACTIONS: dict[str, frozenset[str]] = {
    # releases (权威发布)
    "release.view": frozenset({"editor", "reviewer", "leader", "admin"}),
    "release.create": frozenset({"editor", "admin"}),
    "release.edit": frozenset({"editor", "admin"}),
    "release.submit": frozenset({"editor", "admin"}),
    "release.review": frozenset({"reviewer"}),
    "release.override_warning": frozenset({"editor", "reviewer", "admin"}),
    "release.schedule": frozenset({"editor", "admin"}),
    "release.cancel": frozenset({"editor", "admin"}),
    "account.view": frozenset({"editor", "reviewer", "admin"}),
    "account.manage": frozenset({"admin"}),
    # issues (舆情事件)
    "issue.view": frozenset({"analyst", "leader", "editor", "admin"}),
    "issue.acknowledge": frozenset({"analyst", "leader", "admin"}),
    "issue.assign": frozenset({"analyst", "admin"}),
    "issue.respond": frozenset({"analyst", "editor", "admin"}),
    "issue.close": frozenset({"analyst", "admin"}),
    # alerts and briefs
    "alert.view": frozenset({"analyst", "leader", "admin"}),
    "alert.acknowledge": frozenset({"analyst", "leader", "admin"}),
    "alert.release_held": frozenset({"admin"}),
    "brief.view": frozenset({"analyst", "leader", "admin"}),
    "brief.generate": frozenset({"analyst", "admin"}),
    # monitoring
    "post.search": frozenset({"analyst", "leader", "admin"}),
    "post.export": frozenset({"analyst", "admin"}),
    "source.view": frozenset({"analyst", "admin"}),
    "plan.view": frozenset({"analyst", "admin"}),
    "plan.edit": frozenset({"analyst", "admin"}),
    "settings.view": frozenset({"analyst", "admin"}),
    # administration
    "user.manage": frozenset({"admin"}),
}

_unknown_roles = {role for roles in ACTIONS.values() for role in roles} - set(ROLES)
assert not _unknown_roles, f"access table names unknown roles: {_unknown_roles}"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user of the ``users`` table, or the trusted command line (``user_id`` None)."""

    username: str
    roles: frozenset[str]
    user_id: int | None = None
    display_name: str = ""

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(username=user.username, roles=frozenset(user.roles or ()), user_id=user.id,
                   display_name=user.display_name)

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM_ACTOR = Actor(username="cli", roles=frozenset({"admin"}), user_id=None, display_name="命令行")


def allowed(actor: Actor, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; add it to storage.access.ACTIONS")
    return bool(actor.roles & ACTIONS[action])


def require(session: Session, actor: Actor, action: str, object_type: str | None = None,
            object_id: object = None) -> None:
    """Raise PermissionDenied (and audit the refusal, committed at once) unless ``actor`` may do ``action``.

    The refused operation is abandoned, so the session's pending work is rolled back first and the refusal
    is committed on the same connection: it stays recorded although the exception aborts the caller, and no
    second connection waits on the caller's lock (SQLite has one writer)."""
    if allowed(actor, action):
        return
    session.rollback()
    audit.record(session, actor.username, "access.denied", object_type, object_id, denied_action=action,
                 roles=sorted(actor.roles))
    session.commit()
    needed = "、".join(ROLE_NAMES[r] for r in sorted(ACTIONS[action]))
    raise PermissionDenied(f"用户 {actor.username} 无权执行此操作（{action}），需要角色：{needed}")


def actor_by_username(session: Session, username: str) -> Actor:
    """The active user called ``username`` as an Actor; a Chinese error when there is none."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在（先用 zhengyu user add 创建）")
    if not user.active:
        raise PermissionDenied(f"用户 {username} 已停用")
    return Actor.of(user)
