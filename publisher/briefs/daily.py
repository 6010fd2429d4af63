"""The daily brief (舆情日报): one calendar day in the configured time zone, against the day before."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from publisher.briefs import common, formatting as fmt, sections
from publisher.briefs.content import BriefContent, Paragraph, Section, Subheading
from publisher.briefs.facts import issues as issue_facts, quotes, responses
from publisher.briefs.facts.overview import Change, overview
from publisher.briefs.facts.scope import Scope, day_scope
from publisher.briefs.levels import LevelTable, level_table
from zhengyu.settings import Settings

TITLE = "舆情日报"


def _lead(day: date, current, previous, by_level: list[tuple[str, list]], levels: LevelTable, answered: int) -> str:
    graded = "、".join(f"{levels.name(code)} {len(items)} 个" for code, items in by_level) or "无"
    return (f"{fmt.long_date(day)}，共监测到相关公开信息 {current.total} 条（帖文/文章 {current.posts} 条、"
            f"评论/回复 {current.comments} 条），{fmt.count_change(Change(current.total, previous.total))}；"
            f"负面占比 {fmt.share(current.sentiment.negative_share)}。"
            f"当日涉及舆情事件 {sum(len(items) for _, items in by_level)} 个（{graded}）；发布回应稿件 {answered} 篇。")


def _by_level(facts: list, levels: LevelTable) -> list[tuple[str | None, list]]:
    ordered = sorted(facts, key=lambda f: (levels.rank(f.level), -f.posts_in_scope, f.id))
    grouped: list[tuple[str | None, list]] = []
    for fact in ordered:
        if grouped and grouped[-1][0] == fact.level:
            grouped[-1][1].append(fact)
        else:
            grouped.append((fact.level, [fact]))
    return grouped


def _issue_blocks(session: Session, scope: Scope, by_level, levels: LevelTable, settings: Settings) -> tuple:
    if not by_level:
        return (Paragraph("本期无舆情事件。"),)
    brief = settings.briefs
    blocks: list = []
    for code, items in by_level:
        blocks.append(Subheading(f"{levels.name(code)}预警（{len(items)} 个）" if code else
                                 f"{levels.name(code)}（{len(items)} 个）", level_code=code))
        for fact in items:
            narrowed = Scope(scope.start, scope.end, scope.tz, fact.id)
            blocks += [sections.issue_heading(fact, levels), sections.issue_figures(fact, levels, scope.tz, "本期"),
                       sections.timeline_table(fact, levels, scope.tz),
                       sections.quotes_block(quotes.representative_posts(session, narrowed, brief.quotes_per_issue,
                                                                          brief.quote_chars), scope.tz)]
    return tuple(blocks)


def _summary(title: str, number: str, lead: str, by_level, levels: LevelTable) -> str:
    lines = [f"{title}（{number}）", lead]
    for code, items in by_level:
        for fact in items[:5]:
            lines.append(f"【{levels.name(code)}】{fmt.shown(fact.title)}（本期 {fact.posts_in_scope} 条）")
    return "\n".join(lines)


def build_daily(session: Session, settings: Settings, day: date, *, year: int, number: int,
                generated_at: datetime) -> BriefContent:
    """The daily brief of ``day``; every figure from the store as it stands (nothing invented)."""
    tz = ZoneInfo(settings.timezone)
    scope = day_scope(day, tz)
    levels = level_table(settings.analysis.warning_rules_file)
    current, previous = overview(session, scope), overview(session, scope.previous())
    facts = issue_facts.issue_facts(session, scope)
    answered = responses.responses(session, scope, timedelta(hours=settings.releases.answer_effect_window_h))
    header = dict(kind="daily", title=TITLE, subject=fmt.long_date(day), number_text=common.number_text(year, number),
                  unit=settings.briefs.issuing_unit, classification=settings.briefs.classification,
                  date_text=fmt.long_date(generated_at.astimezone(tz).date()),
                  period_text=common.period_text(scope), generated_text=common.generated_text(generated_at, tz),
                  notes=common.notes(levels))
    if current.total == 0 and not facts and not answered:
        message = f"本期无数据：{fmt.long_date(day)}全天未采集到任何信息，也无舆情事件与回应发布。"
        return BriefContent(**header, empty_message=message, summary=f"{TITLE}（{header['number_text']}）\n{message}",
                            headline={"empty": True})
    by_level = _by_level(facts, levels)
    lead = _lead(day, current, previous, by_level, levels, len(answered))
    awaiting = responses.awaiting_response(session, scope, [f.id for f in facts])
    brief = settings.briefs
    section_list = (
        Section("一、总体情况", (Paragraph(lead), sections.overview_figures(current, previous))),
        Section("二、重点舆情", _issue_blocks(session, scope, by_level, levels, settings)),
        Section("三、情感走势", sections.trend_blocks(session, scope, "全天信息量与情感走势（每小时）")),
        Section("四、热点词与类别", sections.terms_blocks(session, scope, brief.top_keywords)),
        Section("五、地域与来源", sections.groups_blocks(session, scope, brief.top_groups, current.total)),
        Section("六、代表性信息", (sections.quotes_block(
            quotes.representative_posts(session, scope, brief.quotes, brief.quote_chars), tz),)),
        Section("七、回应处置", (Subheading("（一）回应发布"), *sections.responses_blocks(answered, tz),
                                Subheading("（二）待回应事件"),
                                sections.awaiting_table(awaiting, {f.id: f for f in facts}, levels, tz, scope.end))),
    )
    headline = {"empty": False, "total": current.total, "posts": current.posts, "comments": current.comments,
                "negative_share": current.sentiment.negative_share, "responses": len(answered),
                "issues": {code or "": len(items) for code, items in by_level}}
    return BriefContent(**header, empty_message=None, sections=section_list,
                        summary=_summary(TITLE, header["number_text"], lead, by_level, levels), headline=headline)
