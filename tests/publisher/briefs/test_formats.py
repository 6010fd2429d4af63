"""What the formats must hold whatever the store holds: hostile text stays text, no glyph is missing, an empty
period says so in every format."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from publisher.briefs import charts
from publisher.briefs.facts.trend import TrendPoint
from publisher.services import briefs
from storage.access import SYSTEM_ACTOR
from storage.engine import session_scope
from tests.publisher.briefs import seed
from tests.publisher.briefs.inspect_docs import docx_texts, pdf_fonts, pdf_text, uncovered_characters
from zhengyu.clock import FrozenClock

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
GENERATED = datetime(2026, 11, 3, 0, 5, tzinfo=timezone.utc)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_hostile_posts_stay_text_in_a_real_browser(session_factory, seeded, probe, brief_settings, tmp_path):
    """The HTML brief opened in Chromium runs no script and loads nothing but its own data: images."""
    from playwright.sync_api import sync_playwright

    with session_scope(session_factory) as session:
        info = briefs.generate_daily(session, SYSTEM_ACTOR, brief_settings(), seed.DAY, formats=["html", "docx"],
                                     clock=FrozenClock(GENERATED))
        html = briefs.brief_file(session, SYSTEM_ACTOR, info.id, "html").data.decode("utf-8")
        docx = briefs.brief_file(session, SYSTEM_ACTOR, info.id, "docx").data
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"<img[^>]+src=\"(?!data:image/png;base64,)", html)
    page_file = tmp_path / "brief.html"
    page_file.write_text(html, encoding="utf-8")
    requested, dialogs = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            body = page.inner_text("body")
            images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        finally:
            browser.close()
    assert dialogs == []
    assert [u for u in requested if not u.startswith(("file://", "data:"))] == []
    assert probe.requests == []
    assert seed.HOSTILE_SCRIPT in body and f"![]({probe.base}/markdown.png)" in body
    assert len(images) == 2 and all(width > 0 for width in images)  # the two charts, drawn from data: URIs
    paragraphs, _tables, _document = docx_texts(docx)
    assert any(seed.HOSTILE_SCRIPT in p for p in paragraphs)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_day_without_data_says_so_in_every_format(session_factory, seeded, brief_settings, tmp_path):
    with session_scope(session_factory) as session:
        info = briefs.generate_daily(session, SYSTEM_ACTOR, brief_settings(), date(2026, 10, 1),
                                     clock=FrozenClock(GENERATED))
        files = {f: briefs.brief_file(session, SYSTEM_ACTOR, info.id, f).data for f in ("html", "docx", "pdf")}
    message = "本期无数据"
    assert info.empty and info.figures == {"empty": True} and message in info.summary
    html = files["html"].decode("utf-8")
    assert message in html and "<table" not in html and "2026年10月1日" in html
    paragraphs, tables, _document = docx_texts(files["docx"])
    assert any(message in p for p in paragraphs) and tables == []
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(files["pdf"])
    text = pdf_text(pdf)
    assert message in text and "舆情日报" in text
    assert uncovered_characters(text, [f["name"] for f in pdf_fonts(pdf)]) == set()


def test_chart_labels_are_drawn_in_a_cjk_font_that_has_every_glyph():
    points = [TrendPoint(datetime(2026, 11, 2, h), negative=h % 3, neutral=2, positive=1) for h in range(24)]
    for chart in (charts.trend_chart(points, "全天信息量与情感走势（每小时）", "%H时"),
                  charts.bar_chart([("微博", 120), ("新闻网站", 30), ("无采集源记录", 7)], "来源类型分布", "信息量（条）")):
        svg = charts.to_svg(chart)
        texts = re.findall(r"<text[^>]*font-family=\"([^\"]+)\"[^>]*>([^<]*)</text>", svg)
        assert texts and {family for family, _ in texts} == {charts.CHART_FONT}
        drawn = "".join(text for _, text in texts)
        assert "负面" in drawn or "微博" in drawn
        assert uncovered_characters(drawn, [charts.CHART_FONT]) == set()
        png = charts.to_png(chart)
        assert png.startswith(b"\x89PNG") and len(png) > 5000
