"""The append-only audit log: a helper to write entries and a guard that refuses updates and deletes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.models import AuditLog


class AuditLogIsAppendOnly(RuntimeError):
    pass


def record(session: Session, actor: str, action: str, object_type: str | None = None,
           object_id: Any = None, **detail: Any) -> AuditLog:
    entry = AuditLog(actor=actor, action=action, object_type=object_type,
                     object_id=None if object_id is None else str(object_id), detail=detail)
    session.add(entry)
    return entry


@event.listens_for(AuditLog, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise AuditLogIsAppendOnly("audit log entries cannot be changed")


@event.listens_for(AuditLog, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AuditLogIsAppendOnly("audit log entries cannot be deleted")
