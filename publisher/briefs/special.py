"""The issue report (舆情专报): one issue from its first post to the moment of writing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.briefs import common, formatting as fmt, sections
from publisher.briefs.content import BriefContent, Figures, Paragraph, Section, Subheading
from publisher.briefs.facts import issues as issue_facts, quotes, responses
from publisher.briefs.facts.overview import Change, overview
from publisher.briefs.facts.scope import Scope, post_time
from publisher.briefs.levels import level_table
from storage.models import Issue, IssueMember, Post
from zhengyu.errors import NotFound
from zhengyu.settings import Settings

TITLE = "舆情专报"
RECENT = timedelta(hours=24)
RECENT_BASIS = "较此前24小时"


def issue_scope(session: Session, issue: Issue, until: datetime, tz: ZoneInfo) -> Scope:
    """From the local hour of the issue's first post to ``until`` (at least one hour).

    The first post is the earliest member, should detection have recorded a later ``first_seen_at``."""
    earliest = session.scalar(select(func.min(post_time())).join(IssueMember, IssueMember.post_id == Post.id)
                              .where(IssueMember.issue_id == issue.id))
    first_seen = min(issue.first_seen_at, earliest) if earliest else issue.first_seen_at
    first = first_seen.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    return Scope(first, max(until, first + timedelta(hours=1)), tz, issue.id)


def _lead(fact, levels, tz: ZoneInfo, total: int, recent, before) -> str:
    flagged = f"{fmt.local_time(fact.first_flagged_at, tz)} 首次预警" if fact.first_flagged_at else "尚未预警"
    return (f"该事件于 {fmt.local_time(fact.first_seen_at, tz)} 首次发现，{flagged}；截至本报生成，累计相关信息 "
            f"{total} 条，当前为{levels.name(fact.level)}预警，热度 {fmt.heat(fact.heat)}，负面占比 "
            f"{fmt.share(fact.sentiment.negative_share)}；近24小时新增 {recent.total} 条，"
            f"{fmt.count_change(Change(recent.total, before.total), basis=RECENT_BASIS)}。")


def build_issue_report(session: Session, settings: Settings, issue_id: int, *, year: int, number: int,
                       generated_at: datetime) -> BriefContent:
    tz = ZoneInfo(settings.timezone)
    issue = session.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"舆情事件 #{issue_id} 不存在")
    scope = issue_scope(session, issue, generated_at, tz)
    levels = level_table(settings.analysis.warning_rules_file)
    (fact,) = issue_facts.issue_facts(session, scope)
    header = dict(kind="issue", title=TITLE, subject=fmt.shown(issue.title),
                  number_text=common.number_text(year, number), unit=settings.briefs.issuing_unit,
                  classification=settings.briefs.classification,
                  date_text=fmt.long_date(generated_at.astimezone(tz).date()), period_text=common.period_text(scope),
                  generated_text=common.generated_text(generated_at, tz), notes=common.notes(levels))
    total = overview(session, scope)
    if total.total == 0:
        message = f"本期无数据：事件“{fmt.shown(issue.title)}”在统计时段内没有已采集的相关信息。"
        return BriefContent(**header, empty_message=message, summary=f"{TITLE}（{header['number_text']}）\n{message}",
                            headline={"empty": True, "issue_id": issue.id})
    recent_scope = Scope(max(scope.start, scope.end - RECENT), scope.end, tz, issue.id)
    recent, before = overview(session, recent_scope), overview(session, recent_scope.previous())
    lead = _lead(fact, levels, tz, total.total, recent, before)
    answered = responses.responses(session, scope, timedelta(hours=settings.releases.answer_effect_window_h))
    awaiting = responses.awaiting_response(session, scope, [issue.id])
    brief = settings.briefs
    first = quotes.first_post(session, scope, brief.quote_chars)
    recent_figures = Figures(rows=(
        ("recent", "近24小时新增", f"{recent.total} 条，"
                               f"{fmt.count_change(Change(recent.total, before.total), basis=RECENT_BASIS)}"),
        ("platforms", "来源平台", f"{total.platforms} 个"),
        ("engagement", "互动量（点赞、转发、评论）", fmt.count(total.engagement)),
    ))
    section_list = (
        Section("一、事件概况", (Paragraph(lead), sections.issue_figures(fact, levels, tz, "统计时段内"), recent_figures)),
        Section("二、等级变化", (sections.timeline_table(fact, levels, tz),)),
        Section("三、传播与情感走势", sections.trend_blocks(session, scope, "相关信息量与情感走势")),
        Section("四、热点词与类别", sections.terms_blocks(session, scope, brief.top_keywords)),
        Section("五、地域与来源", sections.groups_blocks(session, scope, brief.top_groups, total.total)),
        Section("六、首发与代表性信息", (
            Paragraph("首发信息："), sections.quotes_block([first] if first else [], tz),
            Paragraph("互动量最高的信息："),
            sections.quotes_block(quotes.representative_posts(session, scope, brief.quotes, brief.quote_chars), tz))),
        Section("七、回应处置", (Subheading("（一）回应发布"), *sections.responses_blocks(answered, tz),
                                Subheading("（二）待回应事件"),
                                sections.awaiting_table(awaiting, {fact.id: fact}, levels, tz, scope.end))),
    )
    headline = {"empty": False, "issue_id": issue.id, "total": total.total, "level": fact.level,
                "negative_share": fact.sentiment.negative_share, "responses": len(answered)}
    summary = "\n".join([f"{TITLE}（{header['number_text']}）：{fmt.shown(issue.title)}", lead])
    return BriefContent(**header, empty_message=None, sections=section_list, summary=summary, headline=headline)
