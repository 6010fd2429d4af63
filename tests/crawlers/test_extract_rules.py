"""The title and publish-time rules, each on the page shape it exists for (hand-written pages, not tuned on)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawlers.extract import extract_article

CHINA = timezone(timedelta(hours=8))
PROSE = ("<p>近日，全市政法机关集中开展法治宣传活动，通过设立咨询台、发放宣传册等形式，向群众宣传法律知识。</p>"
         "<p>活动共发放宣传资料两千余份，解答群众咨询三百余人次，取得良好效果。</p>")


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("markup", "title"),
    [
        (page("<title>中国长安网</title>", "<header class='top'><h1>中国长安网</h1></header>"
              f"<div class='main'><h2>政法机关开展集中宣传活动</h2><div class='content'>{PROSE}</div></div>"),
         "政法机关开展集中宣传活动"),
        (page("<title>某某法院网</title>", "<div class='logo'><a href='/'><img src='/img/logo.png' alt='某某法院网'></a>"
              f"</div><h1>某某法院网</h1><div class='art'><h3>法院审结一起合同纠纷案件</h3>{PROSE}</div>"),
         "法院审结一起合同纠纷案件"),
        (page("<title>民警救助走失老人_某某公安</title>", "<header><a href='/'><img src='logo.png'></a><nav><a href='/'>首页</a>"
              "</nav></header><article><header class='head'><h1>民警救助走失老人</h1></header>"
              f"<div class='content'>{PROSE}</div></article>"),
         "民警救助走失老人"),
        (page("<title>最新出炉联合国贸发报告：全球经济增长率下降--明日财经网</title>",
              "<header id='header'><h1><a class='navbar-brand' href='http://www.example.com'><img src='/images/logo.gif'>"
              "今日股市行情_明日大盘_股市分析_股市最新消息 - 明日财经网，权威资讯网站</a></h1></header>"
              "<div class='page_art_title'><div class='title-text'>最新出炉联合国贸发报告：全球经济增长率下降</div></div>"
              f"<div class='page_art_content'>{PROSE}</div><div class='meta-tag'>20190926|国贸|增长率|全球经济</div>"),
         "最新出炉联合国贸发报告：全球经济增长率下降"),
        (page("<title>扫黑除恶,政法,平安建设|全市召开平安建设推进会_某某政法网</title>",
              f"<div class='content'>{PROSE}</div>"),
         "全市召开平安建设推进会"),
    ],
    ids=["site-name-title-and-header-h1", "logo-alt-names-the-site", "html5-article-header",
         "keyword-stuffed-logo-h1", "keyword-list-in-title"],
)
def test_titles_leave_out_site_names_headers_and_keyword_lists(markup, title):
    assert extract_article(markup).title == title


def test_a_title_that_is_only_the_sites_name_and_keywords_gives_no_title():
    markup = page("<title>反诈,诈骗,公安,提醒_平安某某</title><meta property='og:site_name' content='平安某某'>",
                  f"<div class='content'>{PROSE}</div>")
    assert extract_article(markup).title is None


def test_a_declared_time_that_agrees_with_the_shown_minute_lends_its_seconds():
    markup = page("<title>通报_某某网</title><meta property='article:published_time' content='2022-05-06T10:20:37+08:00'>",
                  f"<h1>警方通报一起案件</h1><div class='info'>2022-05-06 10:20</div><div class='content'>{PROSE}</div>")
    assert extract_article(markup).published_at == datetime(2022, 5, 6, 10, 20, 37, tzinfo=CHINA)


def test_a_declared_time_that_disagrees_with_the_shown_one_loses():
    markup = page("<title>通报_某某网</title><meta property='article:published_time' content='2022-05-06T12:45:00+08:00'>",
                  f"<h1>警方通报一起案件</h1><div class='info'>2022-05-06 10:20</div><div class='content'>{PROSE}</div>")
    assert extract_article(markup).published_at == datetime(2022, 5, 6, 10, 20, tzinfo=CHINA)


def test_an_unlabelled_shown_date_gives_way_to_a_declared_date_the_url_confirms():
    markup = page("<title>通报_某某网</title><meta name='pubdate' content='2022-05-06 09:00'>",
                  f"<h1>警方通报一起案件</h1><div class='info'>2022-05-09 10:20</div><div class='content'>{PROSE}</div>")
    url = "http://news.example.cn/2022-05/06/c_1128.htm"
    assert extract_article(markup, url=url).published_at == datetime(2022, 5, 6, 9, 0, tzinfo=CHINA)
    assert extract_article(markup).published_at == datetime(2022, 5, 9, 10, 20, tzinfo=CHINA)


@pytest.mark.parametrize(
    ("byline", "published"),
    [
        ("<tr><td>成文日期：2023年02月10日</td></tr><tr><td>发布日期：2023年02月14日</td></tr>", datetime(2023, 2, 14, tzinfo=CHINA)),
        ("<p>开庭时间：2023-06-20 09:30</p><p>发布时间：2023-06-12 16:00</p>", datetime(2023, 6, 12, 16, 0, tzinfo=CHINA)),
        ("<p>活动时间：2023-07-01</p><p>发布日期：2023-06-25</p>", datetime(2023, 6, 25, tzinfo=CHINA)),
    ],
    ids=["document-signed-vs-published", "hearing-vs-published", "event-vs-published"],
)
def test_labels_of_other_dates_count_against_them(byline, published):
    markup = page("<title>公告_某某法院网</title>", f"<h1>关于公开开庭审理一起案件的公告</h1><table>{byline}</table>"
                  f"<div class='content'>{PROSE}</div>")
    assert extract_article(markup).published_at == published


FILLER = "".join(f"<p>第{i}段：社区民警持续开展走访工作，了解群众诉求，化解矛盾纠纷，维护辖区稳定。</p>" for i in range(20))


def test_the_only_date_a_page_shows_dates_it_however_far_from_the_headline():
    markup = page("<title>社区警务工作纪实_某某警务网</title>", f"<h1>社区警务工作纪实</h1><div class='content'>{FILLER}</div>"
                  "<div class='extra'><span class='date'>2021年06月01日</span></div><div>Copyright © 2021 某某警务网</div>")
    assert extract_article(markup).published_at == datetime(2021, 6, 1, tzinfo=CHINA)


def test_htmldate_dates_a_page_our_rules_cannot_read():
    markup = page("<title>社区警务工作纪实_某某警务网</title>", f"<h1>社区警务工作纪实</h1><div class='content'>{FILLER}</div>"
                  "<time>June 1, 2021</time>")
    assert extract_article(markup).published_at == datetime(2021, 6, 1, tzinfo=CHINA)


def test_a_bare_copyright_year_is_not_a_publish_date():
    markup = page("<title>社区警务工作纪实_某某警务网</title>", f"<h1>社区警务工作纪实</h1><div class='content'>{FILLER}</div>"
                  "<div>2019年 2020年 2021年</div><div>Copyright © 2021 某某警务网</div>")
    assert extract_article(markup).published_at is None
