"""Charts of a brief as PNG images: Altair specs rendered offline by vl-convert in a named CJK font.

vl-convert bundles Vega and Vega-Lite (no network) and draws text with the system's fonts; naming Noto Sans
CJK SC (Debian's fonts-noto-cjk) on every text mark keeps Chinese labels from falling back to a font without
them, which would show boxes. The same labels the PNG shows are returned in words for the alt text.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from publisher.briefs.facts.trend import TrendPoint

CHART_FONT = "Noto Sans CJK SC"
SENTIMENT_COLOURS = {"负面": "#c0392b", "中性": "#95a5a6", "正面": "#27ae60", "未分析": "#d5d8dc"}
BAR_COLOUR = "#2f5d8a"
WIDTH = 620
SCALE = 2  # pixels per CSS pixel: sharp when printed


def _styled(chart: alt.Chart, title: str) -> alt.Chart:
    return (chart.properties(title=title, width=WIDTH, height=220, background="white")
            .configure(font=CHART_FONT)
            .configure_title(font=CHART_FONT, fontSize=15, anchor="start")
            .configure_axis(labelFont=CHART_FONT, titleFont=CHART_FONT, labelFontSize=11, titleFontSize=12)
            .configure_legend(labelFont=CHART_FONT, titleFont=CHART_FONT, orient="top")
            .configure_view(stroke=None))


def trend_chart(points: list[TrendPoint], title: str, time_format: str) -> alt.Chart:
    """Stacked bars of analysed (and not yet analysed) posts per time bucket."""
    rows = []
    for point in points:
        label = point.start.strftime(time_format)
        for name, value in (("负面", point.negative), ("中性", point.neutral), ("正面", point.positive),
                            ("未分析", point.unanalysed)):
            rows.append({"时段": label, "情感": name, "条数": value, "序": list(SENTIMENT_COLOURS).index(name)})
    frame = pd.DataFrame(rows, columns=["时段", "情感", "条数", "序"])
    order = [p.start.strftime(time_format) for p in points]
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("时段:N", sort=order, title="时段", axis=alt.Axis(labelAngle=0 if len(order) <= 12 else -45)),
        y=alt.Y("sum(条数):Q", title="信息量（条）", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("情感:N", title="情感", sort=list(SENTIMENT_COLOURS),
                        scale=alt.Scale(domain=list(SENTIMENT_COLOURS), range=list(SENTIMENT_COLOURS.values()))),
        order=alt.Order("序:Q"),
    )
    return _styled(chart, title)


def bar_chart(items: list[tuple[str, int]], title: str, axis_title: str) -> alt.Chart:
    """Horizontal bars, largest first (source types, regions)."""
    frame = pd.DataFrame(items, columns=["名称", "条数"])
    chart = alt.Chart(frame).mark_bar(color=BAR_COLOUR).encode(
        y=alt.Y("名称:N", sort=[name for name, _ in items], title=None),
        x=alt.X("条数:Q", title=axis_title, axis=alt.Axis(format="d", tickMinStep=1)),
    )
    return _styled(chart, title).properties(height=max(60, 26 * len(items)))


def to_png(chart: alt.Chart) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=SCALE)


def to_svg(chart: alt.Chart) -> str:
    """The same chart as SVG (its text stays text, so a test can read every label it draws)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_json())
