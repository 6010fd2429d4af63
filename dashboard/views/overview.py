"""总览: current issues with their warning levels, volume over time, sentiment shares, counts, latest posts."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import charts, queries
from dashboard.context import PageContext, page_context

EMPTY_STATE = (
    "暂无数据。运行 `zhengyu demo` 即可看到样例站点的实时数据，"
    "或配置 `config/sources/` 后运行 `zhengyu crawl --all` 开始采集。"
)


def render() -> None:
    """The page body; the live part re-reads the store every ``dashboard.refresh_s`` seconds."""
    context = page_context()
    st.title("舆情总览")

    @st.fragment(run_every=context.refresh_s)
    def live() -> None:
        try:
            _render_live(context)
        except SQLAlchemyError as exc:
            first_line = (str(exc).strip().splitlines() or [""])[0]
            st.error(f"无法读取数据库：{first_line}。请确认已运行 `zhengyu db upgrade`，且 database.url 配置正确。")

    live()


def _render_live(context: PageContext) -> None:
    since = context.since()
    counts = queries.overview_counts(context.db_url, since, context.platforms)
    scope = context.window_label + ("" if not context.platforms else "，" + "、".join(
        queries.PLATFORM_NAMES.get(p, p) for p in context.platforms))
    if counts.latest_fetch is not None:
        latest = counts.latest_fetch.astimezone(ZoneInfo(context.timezone)).strftime("%Y-%m-%d %H:%M:%S")
        st.caption(f"范围：{scope}　·　最近采集：{latest}　·　每 {context.refresh_s} 秒自动刷新")
    else:
        st.caption(f"范围：{scope}")
    if counts.total == 0:
        st.info(EMPTY_STATE, icon=":material/inbox:")
        return

    columns = st.columns(4)
    columns[0].metric("帖子", f"{counts.posts:,}")
    columns[1].metric("评论", f"{counts.comments:,}")
    columns[2].metric("已分析", f"{counts.analysed:,}")
    share = counts.negative_share
    columns[3].metric("负面占比", "—" if share is None else f"{share:.1%}")

    _render_issues(context)

    left, right = st.columns([3, 2])
    with left:
        st.subheader("发布量走势")
        frame, bucket_s = queries.volume_series(context.db_url, since, context.platforms, context.timezone)
        st.altair_chart(charts.volume_chart(frame, bucket_s), width="stretch")
    with right:
        st.subheader("情感分布")
        if counts.analysed:
            st.altair_chart(charts.sentiment_chart(queries.sentiment_share_frame(counts)), width="stretch")
        else:
            st.info("帖子尚未完成情感分析，请稍候。", icon=":material/hourglass_top:")

    st.subheader("最新帖子与评论")
    latest_frame = queries.latest_posts(context.db_url, since, context.platforms, 20, context.timezone)
    st.dataframe(
        latest_frame,
        hide_index=True,
        column_config={
            "时间": st.column_config.DatetimeColumn("时间", format="MM-DD HH:mm:ss"),
            "内容": st.column_config.TextColumn("内容", width="large"),
            "正面概率": st.column_config.ProgressColumn("正面概率", min_value=0.0, max_value=1.0, format="%.2f"),
        },
    )


def _render_issues(context: PageContext) -> None:
    """Open issues, most severe first, each with its warning level as a coloured badge and the reason."""
    st.subheader("当前话题与预警")
    issues = queries.current_issues(context.db_url, 10, context.rules_file)
    if not issues:
        st.caption("暂无正在发展的话题。研判每轮自动运行，发现苗头后会在这里按预警级别列出。")
        return
    zone = ZoneInfo(context.timezone)
    counts = Counter(_badge(issue, "预警") for issue in issues)
    st.markdown("　".join(f"{badge} {n} 个" for badge, n in counts.items()))
    for issue in issues:
        badge = _badge(issue)
        flagged = issue.first_flagged_at.astimezone(zone).strftime("%m-%d %H:%M") if issue.first_flagged_at else "—"
        due = issue.response_due_at.astimezone(zone).strftime("%m-%d %H:%M") if issue.response_due_at else "—"
        with st.container(border=True):
            st.markdown(f"{badge} **{issue.title}**　热度 {issue.heat:.1f} · {issue.post_count} 条 · "
                        f"负面 {issue.negative_share:.0%} · {issue.status}")
            st.caption(f"首次发现 {flagged} · 处置时限 {due} · 关键词：{'、'.join(issue.keywords) or '—'}"
                       + (f" · {issue.reason}" if issue.reason else ""))


def _badge(issue: queries.IssueRow, suffix: str = "") -> str:
    """A coloured Markdown badge naming the level (红色, 黄色 …) in the level's own colour."""
    if not issue.level:
        return ":gray-badge[未定级]"
    return f":{issue.colour}-badge[{issue.level_name}色{suffix}]"
