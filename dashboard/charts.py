"""Altair charts of the dashboard, with Chinese labels and fixed colours for sentiment and kind."""

from __future__ import annotations

import altair as alt
import pandas as pd

SENTIMENT_COLOURS = {"负面": "#d64541", "中性": "#9aa5b1", "正面": "#2e9d5b"}
KIND_COLOURS = {"帖子": "#2f6fb0", "评论": "#f2a03d"}


def _bucket_title(bucket_s: int) -> str:
    if bucket_s % 86400 == 0:
        return f"时间（每 {bucket_s // 86400} 天）"
    if bucket_s % 3600 == 0:
        return f"时间（每 {bucket_s // 3600} 小时）"
    return f"时间（每 {bucket_s // 60} 分钟）"


def volume_chart(frame: pd.DataFrame, bucket_s: int) -> alt.Chart:
    """Stacked bars of posts and comments per time bucket, each bar as wide as its bucket."""
    frame = frame.assign(结束=frame["时间"] + pd.Timedelta(seconds=bucket_s * 0.9))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("时间:T", title=_bucket_title(bucket_s), axis=alt.Axis(format="%m-%d %H:%M", labelAngle=0)),
            x2="结束:T",
            y=alt.Y("sum(条数):Q", title="条数"),
            color=alt.Color("类型:N", title="类型", scale=alt.Scale(domain=list(KIND_COLOURS),
                                                                    range=list(KIND_COLOURS.values()))),
            tooltip=[alt.Tooltip("时间:T", format="%Y-%m-%d %H:%M"), "类型:N", "条数:Q"],
        )
        .properties(height=300)
    )


def sentiment_chart(frame: pd.DataFrame) -> alt.Chart:
    """A donut of the 负面/中性/正面 shares."""
    return (
        alt.Chart(frame)
        .mark_arc(innerRadius=60)
        .encode(
            theta=alt.Theta("条数:Q"),
            color=alt.Color("情感:N", title="情感", sort=list(SENTIMENT_COLOURS),
                            scale=alt.Scale(domain=list(SENTIMENT_COLOURS), range=list(SENTIMENT_COLOURS.values()))),
            tooltip=["情感:N", "条数:Q", alt.Tooltip("占比:Q", format=".1%")],
        )
        .properties(height=300)
    )
