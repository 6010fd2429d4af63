"""Property-based tests of the extractor: arbitrary text, bytes and HTML never crash it, and every way a page can
fail to give an article is a :class:`PageError` with a Chinese message."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.extract import Article, extract_article
from crawlers.extract.page import PageError, extract_page
from crawlers.extract.stamps import parse_stamp, url_stamp

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXT = st.text(st.one_of(CJK, st.characters(codec="utf-8")), max_size=80)
DATES = st.builds("{}-{:02d}-{:02d} {:02d}:{:02d}".format, st.integers(1900, 2200), st.integers(0, 13),
                  st.integers(0, 32), st.integers(0, 25), st.integers(0, 61))
TAGS = st.sampled_from(["div", "p", "span", "h1", "h2", "h3", "td", "tr", "table", "section", "article", "a", "em",
                        "font", "br", "li", "ul", "header", "nav", "footer", "script", "style", "title", "meta", "img"])
ATTRS = st.sampled_from(['', ' class="title"', ' id="js_content" style="visibility: hidden;"', ' id="activity-name"',
                         ' class="content"', ' id="publish_time"', ' id="js_name"', ' style="display:none"',
                         ' property="og:site_name" content="微信公众平台"', ' name="pubdate" content="2019-09-07"',
                         ' property="article:published_time" content="not a date"', ' class="rich_media_meta_list"',
                         ' href="/"'])


@st.composite
def tag_soup(draw) -> str:
    """Unbalanced, nested, attribute-laden markup with dates, script variables and CJK text in it."""
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            parts.append(f"<{draw(TAGS)}{draw(ATTRS)}>")
        elif kind == 1:
            parts.append(f"</{draw(TAGS)}>")
        elif kind == 2:
            parts.append(draw(TEXT))
        elif kind == 3:
            parts.append(f"发布时间：{draw(DATES)}")
        elif kind == 4:
            digits = draw(st.text(st.sampled_from("0123456789"), min_size=1, max_size=14))
            parts.append(f'<script>var ct = "{digits}"; var publish_time = "{draw(DATES)}" || "";'
                         f' var create_time = "{digits}" * 1; var nickname = htmlDecode("{draw(TEXT)}");</script>')
        else:
            parts.append("<" * draw(st.integers(1, 3)) + draw(TEXT) + ">" * draw(st.integers(0, 3)))
    return "".join(parts)


def assert_well_formed(article: Article) -> None:
    assert isinstance(article, Article)
    assert isinstance(article.text, str)
    for value in (article.title, article.author, article.source, article.account):
        assert value is None or isinstance(value, str)
    if article.published_at is not None:
        assert isinstance(article.published_at, datetime)
        assert article.published_at.utcoffset() is not None
        assert 1990 <= article.published_at.year <= 2100


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text_never_crashes_the_extractor(text):
    assert_well_formed(extract_article(text))


@SETTINGS
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash_the_extractor(raw):
    assert_well_formed(extract_article(raw))


@pytest.mark.slow
@SETTINGS
@given(tag_soup(), st.sampled_from([None, "https://mp.weixin.qq.com/s/x", "http://a.example.cn/2019-09/07/c.htm"]))
def test_arbitrary_html_never_crashes_the_extractor(markup, url):
    assert_well_formed(extract_article(markup, url=url))
    assert_well_formed(extract_article(f"<html><head><title>{markup}</title></head><body>{markup}</body></html>"))


@pytest.mark.slow
@SETTINGS
@given(st.one_of(st.binary(max_size=3000), tag_soup().map(lambda s: s.encode("utf-8")),
                 tag_soup().map(lambda s: s.encode("gb18030", errors="ignore"))))
def test_the_strict_entry_either_extracts_or_says_why_in_chinese(raw):
    try:
        article = extract_page(raw)
    except PageError as exc:
        message = str(exc)
        assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
        assert "Traceback" not in message
    else:
        assert_well_formed(article)
        assert article.title or article.text


@SETTINGS
@given(st.text(max_size=80))
def test_date_values_parse_or_give_none(value):
    stamp = parse_stamp(value)
    assert stamp is None or stamp.day is None or 1990 <= stamp.day.year <= 2100
    if stamp is not None and stamp.day is not None:
        assert stamp.to_datetime().utcoffset() is not None


@SETTINGS
@given(st.text(max_size=200))
def test_urls_never_crash_the_url_dater(url):
    stamp = url_stamp(url)
    assert stamp is None or 1990 <= stamp.day.year <= 2100


def test_deep_nesting_does_not_exhaust_the_stack():
    markup = "<div>" * 20000 + "<p>很深的正文，仍然是一段完整的句子，用于检查解析器不会崩溃。</p>" + "</div>" * 20000
    assert_well_formed(extract_article(markup))
