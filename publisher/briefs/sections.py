"""Section builders shared by the daily brief and the issue report: facts in, blocks out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from publisher.briefs import charts, formatting as fmt
from publisher.briefs.content import Chart, Figures, Paragraph, QuoteItem, Quotes, Subheading, Table
from publisher.briefs.facts import groups, terms, trend
from publisher.briefs.facts.issues import IssueFacts
from publisher.briefs.facts.overview import Change, Overview
from publisher.briefs.facts.quotes import Quote
from publisher.briefs.facts.responses import Awaiting, Response
from publisher.briefs.facts.scope import Scope
from publisher.briefs.levels import LevelTable
from publisher.briefs.names import (
    AUTHOR_TYPE_NAMES, FAMILY_NAMES, KIND_NAMES, OTHERS_NAME, SENTIMENT_NAMES, UNLABELLED_NAMES,
)
from publisher.states import ISSUE_STATUS_NAMES

P = fmt.shown


def overview_figures(current: Overview, previous: Overview) -> Figures:
    share, before = current.sentiment.negative_share, previous.sentiment.negative_share
    return Figures(rows=(
        ("total", "信息总量", f"{fmt.count(current.total)} 条，{fmt.count_change(Change(current.total, previous.total))}"),
        ("posts", "帖文/文章", f"{fmt.count(current.posts)} 条，{fmt.count_change(Change(current.posts, previous.posts))}"),
        ("comments", "评论/回复",
         f"{fmt.count(current.comments)} 条，{fmt.count_change(Change(current.comments, previous.comments))}"),
        ("platforms", "来源平台", f"{fmt.count(current.platforms)} 个，"
                                 f"{fmt.count_change(Change(current.platforms, previous.platforms), '个')}"),
        ("engagement", "互动量（点赞、转发、评论）",
         f"{fmt.count(current.engagement)}，{fmt.count_change(Change(current.engagement, previous.engagement), '次')}"),
        ("negative_share", "负面占比", f"{fmt.share(share)}（已分析 {fmt.count(current.sentiment.analysed)} 条中负面 "
                                       f"{fmt.count(current.sentiment.negative)} 条），{fmt.share_change(share, before)}"),
    ))


def trend_blocks(session: Session, scope: Scope, chart_title: str) -> tuple:
    points = trend.sentiment_trend(session, scope)
    step = trend.bucket_for(scope)
    hourly = step.total_seconds() < 86400
    same_day = scope.local(scope.start).date() == scope.local(scope.end - step).date()
    label = "%H时" if hourly and same_day else ("%m-%d %H时" if hourly else "%m-%d")
    rows = tuple((p.start.strftime(label), fmt.count(p.negative), fmt.count(p.neutral), fmt.count(p.positive),
                  fmt.count(p.unanalysed), fmt.count(p.total)) for p in points if p.total)
    busiest = max(points, key=lambda p: (p.total, -p.start.timestamp()))
    peak = f"信息量峰值出现在 {busiest.start.strftime(label)}（{busiest.total} 条，其中负面 {busiest.negative} 条）。"
    chart = charts.trend_chart(points, chart_title, label)
    return (
        Paragraph(peak),
        Chart("trend", chart_title, charts.to_png(chart), "；".join(f"{r[0]} 共 {r[5]} 条（负面 {r[1]}）" for r in rows)),
        Table("trend", ("时段", "负面", "中性", "正面", "未分析", "合计"), rows),
        Paragraph("注：表中只列有信息的时段，图中无柱的时段即无信息。"),
    )


def terms_blocks(session: Session, scope: Scope, k: int) -> tuple:
    keywords = terms.top_keywords(session, scope, k)
    categories = terms.top_categories(session, scope, k)
    return (
        Table("keywords", ("排名", "关键词", "涉及信息（条）"),
              tuple((str(i), P(word), fmt.count(n)) for i, (word, n) in enumerate(keywords, 1))),
        Table("categories", ("排名", "类别", "涉及信息（条）"),
              tuple((str(i), P(name), fmt.count(n)) for i, (name, n) in enumerate(categories, 1))),
    )


def _group_rows(items: list[groups.Group], names: dict[str, str], unlabelled: str, total: int) -> tuple:
    def name(group: groups.Group) -> str:
        if group.key is groups.OTHERS:
            return OTHERS_NAME
        if group.key == groups.UNLABELLED:
            return unlabelled
        return P(names.get(group.key, group.key))

    return tuple((name(g), fmt.count(g.count), fmt.share(g.count / total if total else None)) for g in items)


def groups_blocks(session: Session, scope: Scope, k: int, total: int) -> tuple:
    families = groups.by_source_type(session, scope)
    family_rows = _group_rows(families, FAMILY_NAMES, UNLABELLED_NAMES["family"], total)
    chart = charts.bar_chart([(row[0], int(row[1])) for row in family_rows], "来源类型分布", "信息量（条）")
    columns = ("信息量（条）", "占比")
    return (
        Table("regions", ("地域", *columns),
              _group_rows(groups.by_region(session, scope, k), {}, UNLABELLED_NAMES["region"], total)),
        Table("source_types", ("来源类型", *columns), family_rows),
        Chart("source_types", "来源类型分布", charts.to_png(chart),
              "；".join(f"{row[0]} {row[1]} 条" for row in family_rows)),
        Table("author_types", ("发布者类型", *columns),
              _group_rows(groups.by_author_type(session, scope), AUTHOR_TYPE_NAMES, UNLABELLED_NAMES["author_type"],
                          total)),
    )


def quote_item(quote: Quote, tz: ZoneInfo) -> QuoteItem:
    if quote.source_family:
        source = f"{FAMILY_NAMES.get(quote.source_family, quote.source_family)}（{quote.source_name}）"
    else:
        source = quote.platform
    note = [KIND_NAMES.get(quote.kind, quote.kind), SENTIMENT_NAMES.get(quote.label, "未分析"),
            f"互动 {quote.engagement}", AUTHOR_TYPE_NAMES.get(quote.author_type, quote.author_type)]
    return QuoteItem(source=P(source), time=fmt.local_time(quote.published_at, tz), url=P(quote.url),
                     title=P(quote.title), text=P(quote.text), cut=quote.cut, note=" · ".join(note))


def quotes_block(quotes: list[Quote], tz: ZoneInfo) -> Quotes:
    return Quotes(tuple(quote_item(q, tz) for q in quotes))


def issue_figures(issue: IssueFacts, levels: LevelTable, tz: ZoneInfo, scope_label: str) -> Figures:
    return Figures(rows=(
        (f"issue{issue.id}_level", "预警等级", levels.name(issue.level)),
        (f"issue{issue.id}_category", "类别", P(issue.category) or fmt.NO_VALUE),
        (f"issue{issue.id}_keywords", "关键词", "、".join(P(k) for k in issue.keywords) or fmt.NO_VALUE),
        (f"issue{issue.id}_posts", f"{scope_label}相关信息", f"{fmt.count(issue.posts_in_scope)} 条"),
        (f"issue{issue.id}_total", "累计相关信息", f"{fmt.count(issue.posts_until_end)} 条"),
        (f"issue{issue.id}_negative", f"{scope_label}负面占比", fmt.share(issue.sentiment.negative_share)),
        (f"issue{issue.id}_heat", "热度", fmt.heat(issue.heat)),
        (f"issue{issue.id}_first_seen", "首次发现", fmt.local_time(issue.first_seen_at, tz)),
        (f"issue{issue.id}_first_flagged", "首次预警", fmt.local_time(issue.first_flagged_at, tz)),
        (f"issue{issue.id}_status", "当前状态", ISSUE_STATUS_NAMES.get(issue.status, issue.status)),
    ))


def timeline_table(issue: IssueFacts, levels: LevelTable, tz: ZoneInfo) -> Table:
    rows = tuple((fmt.local_time(step.at, tz), f"{levels.name(step.from_level)} → {levels.name(step.to_level)}",
                  P(step.reason)) for step in issue.steps)
    return Table(f"issue{issue.id}_timeline", ("时间", "等级变化", "依据"), rows, empty_text="无等级变化记录")


def issue_heading(issue: IssueFacts, levels: LevelTable) -> Subheading:
    return Subheading(f"【{levels.name(issue.level)}】{P(issue.title)}", level_code=issue.level)


def _effect_text(effect) -> str:
    """回应效果 in words: the equal windows before and after the answer, volume and negative share."""
    hours = f"{effect.window_hours:g}"
    before, after = effect.before, effect.after
    text = (f"回应效果（回应前后各 {hours} 小时{'' if effect.complete else '，观察期未满'}）：相关信息 "
            f"{before.volume} → {after.volume} 条，负面占比 {fmt.share(before.negative_share)} → "
            f"{fmt.share(after.negative_share)}")
    return text


def responses_blocks(items: list[Response], tz: ZoneInfo) -> tuple:
    """The answers in a table, then each answer's article link and effect (too long for a table cell)."""
    def on_time(item: Response) -> str:
        return {None: "未设期限", True: "按时", False: "超期"}[item.on_time]

    rows = tuple((P(r.release_title), P(r.issue_title), fmt.local_time(r.flagged_at, tz),
                  fmt.local_time(r.published_at, tz),
                  fmt.duration(r.response_time) if r.response_time is not None else fmt.NO_VALUE, on_time(r))
                 for r in items)
    table = Table("responses", ("发布稿件", "回应事件", "预警时间", "发布时间", "响应时长", "是否按时"), rows,
                  empty_text="本期无回应发布")
    notes = []
    for r in items:
        parts = [f"原文链接：{P(r.article_url)}"] if r.article_url else []
        if r.effect is not None:
            parts.append(_effect_text(r.effect))
        if parts:
            notes.append(Paragraph(f"《{P(r.release_title)}》" + "；".join(parts)))
    return (table, *notes)


def awaiting_table(items: list[Awaiting], issues: dict[int, IssueFacts], levels: LevelTable, tz: ZoneInfo,
                   end: datetime) -> Table:
    rows = tuple((P(a.title), levels.name(issues[a.issue_id].level if a.issue_id in issues else None),
                  fmt.local_time(a.due_at, tz), "已超期" if a.overdue_at(end) else "未到期") for a in items)
    return Table("awaiting", ("事件", "预警等级", "回应期限", "截至本期末"), rows, empty_text="无待回应事件")
