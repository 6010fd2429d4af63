"""The brief service: roles from the access table, audit entries, numbering per kind and year, stored files."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from publisher.services import briefs
from storage.access import SYSTEM_ACTOR, Actor
from storage.engine import session_scope
from storage.models import AuditLog, Brief, BriefFile, User
from zhengyu.clock import FrozenClock
from zhengyu.errors import NotFound, PermissionDenied, ZhengyuError

CLOCK = FrozenClock(datetime(2026, 11, 3, 0, 5, tzinfo=timezone.utc))


def _user(session_factory, username: str, role: str) -> Actor:
    with session_scope(session_factory) as session:
        user = User(username=username, display_name=username, roles=[role])
        session.add(user)
        session.flush()
        return Actor.of(user)


def test_roles_decide_who_generates_and_who_reads(session_factory, brief_settings):
    analyst = _user(session_factory, "wang", "analyst")
    leader = _user(session_factory, "li", "leader")
    editor = _user(session_factory, "zhao", "editor")
    settings = brief_settings()
    with session_scope(session_factory) as session:
        made = briefs.generate_daily(session, analyst, settings, date(2026, 10, 1), formats=["html"], clock=CLOCK)
    with session_scope(session_factory) as session:
        assert [b.id for b in briefs.list_briefs(session, leader)] == [made.id]
        assert briefs.brief_file(session, leader, made.id, "html").data.startswith(b"<!DOCTYPE html>")
    for actor, call in ((leader, lambda s: briefs.generate_daily(s, leader, settings, date(2026, 10, 2),
                                                                  formats=["html"], clock=CLOCK)),
                        (editor, lambda s: briefs.list_briefs(s, editor)),
                        (editor, lambda s: briefs.brief_file(s, editor, made.id, "html"))):
        with session_scope(session_factory) as session:
            with pytest.raises(PermissionDenied, match="无权"):
                call(session)
    with session_scope(session_factory) as session:
        log = [(e.actor, e.action, e.detail.get("denied_action")) for e in
               session.scalars(select(AuditLog).order_by(AuditLog.id))]
        assert session.scalar(select(Brief).where(Brief.id == made.id)).generated_by == "wang"
        assert session.scalar(select(Brief.id).where(Brief.period_start > made.period_start)) is None
    assert log == [("wang", "brief.generate", None), ("li", "brief.download", None),
                   ("li", "access.denied", "brief.generate"), ("zhao", "access.denied", "brief.view"),
                   ("zhao", "access.denied", "brief.view")]


def test_numbers_run_per_kind_and_year_and_a_remade_day_keeps_its_number(session_factory, brief_settings):
    settings = brief_settings()

    def daily(day: date, formats=("html",)):
        with session_scope(session_factory) as session:
            return briefs.generate_daily(session, SYSTEM_ACTOR, settings, day, formats=formats, clock=CLOCK)

    first, second = daily(date(2026, 10, 1)), daily(date(2026, 10, 2))
    assert (first.number, second.number) == (1, 2) and first.number_text == "2026年第1期"
    remade = daily(date(2026, 10, 1), formats=("html", "docx"))
    assert (remade.id, remade.number, remade.formats) == (first.id, 1, ("docx", "html"))
    assert daily(date(2027, 1, 1)).number == 1  # a new year starts at 第1期
    with session_scope(session_factory) as session:
        assert session.scalar(select(BriefFile.filename).where(BriefFile.brief_id == first.id,
                                                               BriefFile.format == "docx")) == "舆情日报-2026年第1期.docx"
        listed = briefs.list_briefs(session, SYSTEM_ACTOR, kind="daily")
        assert [b.period_start.date().isoformat() for b in listed] == ["2026-12-31", "2026-10-01", "2026-09-30"]


def test_missing_briefs_formats_and_issues_are_clear_errors(session_factory, brief_settings):
    settings = brief_settings()
    with session_scope(session_factory) as session:
        made = briefs.generate_daily(session, SYSTEM_ACTOR, settings, date(2026, 10, 1), formats=["html"],
                                     clock=CLOCK)
    with session_scope(session_factory) as session:
        with pytest.raises(NotFound, match="没有 pdf 格式"):
            briefs.brief_file(session, SYSTEM_ACTOR, made.id, "pdf")
        with pytest.raises(NotFound, match="简报 #999 不存在"):
            briefs.get_brief(session, SYSTEM_ACTOR, 999)
        with pytest.raises(NotFound, match="舆情事件 #42 不存在"):
            briefs.generate_issue_report(session, SYSTEM_ACTOR, settings, 42, clock=CLOCK)
        with pytest.raises(ZhengyuError, match="简报格式"):
            briefs.generate_daily(session, SYSTEM_ACTOR, settings, date(2026, 10, 1), formats=["odt"], clock=CLOCK)


def test_the_default_day_is_yesterday_in_the_configured_time_zone(brief_settings):
    # 2026-11-03 00:05 UTC is 08:05 in Beijing: yesterday is 11-02 there, but still 11-01 in Los Angeles.
    assert briefs.yesterday(brief_settings(), CLOCK) == date(2026, 11, 2)
    assert briefs.yesterday(brief_settings(timezone="America/Los_Angeles"), CLOCK) == date(2026, 11, 1)
