"""Generic article extraction on real saved pages (../shared/data/pages/dev) and on hand-written realistic pages."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest

from crawlers.encoding import decode_html
from crawlers.extract import Article, extract_article

CHINA = timezone(timedelta(hours=8))


def norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


_DEV_CACHE: dict[str, dict] = {}


@pytest.fixture
def dev_results(shared_data):
    """(truth, extracted article) per dev page; extracted once per test session (shared_data is function-scoped)."""
    pages = shared_data / "pages" / "dev"
    key = str(pages)
    if key not in _DEV_CACHE:
        truth = json.loads((pages / "truth.json").read_text(encoding="utf-8"))
        _DEV_CACHE[key] = {name: (item, extract_article(decode_html((pages / name).read_bytes())))
                           for name, item in truth.items()}
    return _DEV_CACHE[key]


def time_matches(want: str | None, got: datetime | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if "T" not in want:
        return got.astimezone(CHINA).date() == date.fromisoformat(want)
    return got.astimezone(CHINA).replace(second=0, microsecond=0) == datetime.fromisoformat(want)


def test_dev_pages_meet_the_accuracy_floor(dev_results):
    total = len(dev_results)
    titles = sum(norm(t["title"]) == norm(a.title) for t, a in dev_results.values())
    times = sum(time_matches(t["publish_time"], a.published_at) for t, a in dev_results.values())
    bodies = sum(norm(t["body_head"]) in norm(a.text) and norm(t["body_tail"]) in norm(a.text)
                 for t, a in dev_results.values())
    assert total >= 30
    assert titles / total >= 0.95
    assert times / total >= 0.90
    assert bodies / total >= 0.90


def test_every_dev_page_yields_aware_times_and_nonempty_text(dev_results):
    for name, (_truth, article) in dev_results.items():
        assert isinstance(article, Article)
        assert article.text, name
        assert article.published_at is None or article.published_at.utcoffset() is not None, name


def test_logo_inside_the_first_h1_is_not_the_title_and_the_shown_time_beats_meta(dev_results):
    truth, article = dev_results["tests_sina_5.html"]
    assert "logo" in truth["notes"].lower() or "h1" in truth["notes"]
    assert article.title == "陈同佳刑满出狱 向潘晓颖家人鞠躬致歉"
    # <meta article:published_time> says 09:10:42; the page shows 09:05
    assert article.published_at == datetime(2019, 10, 23, 9, 5, tzinfo=CHINA)


def test_empty_h1_falls_back_to_the_visible_headline(dev_results):
    _truth, article = dev_results["tests_xinhuanet_1.html"]
    assert article.title == "法国全国大罢工再次严重影响交通"


def test_year_less_shown_time_takes_its_year_from_metadata(dev_results):
    _truth, article = dev_results["tests_baijiahao_2.html"]
    assert article.published_at == datetime(2019, 9, 30, 22, 46, tzinfo=CHINA)


def test_run_together_byline_is_split_into_source_and_author(dev_results):
    _truth, article = dev_results["tests_stcn_1.html"]
    assert (article.source, article.author) == ("证券时报网", "李在山")


GBK_GOV_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县公安局破获一起电信诈骗案件__某某县人民政府门户网站</title></head>
<body><table width="100%"><tr><td class="nav"><a href="/">首页</a> &gt; <a href="/gagz/">公安工作</a></td></tr>
<tr><td class="bt">县公安局破获一起电信诈骗案件</td></tr>
<tr><td class="info">发布日期：2023年05月06日 16:20&nbsp;&nbsp;来源：县公安局&nbsp;&nbsp;作者：王建国&nbsp;&nbsp;浏览次数：312</td></tr>
<tr><td class="content">
　　近日，县公安局成功破获一起冒充客服实施电信网络诈骗的案件，抓获犯罪嫌疑人3名，为群众挽回经济损失12万元。<br>
　　5月2日，辖区居民李某报警称，其接到自称“电商客服”的电话，对方以退款为由诱导其下载软件并转账。接警后，民警立即开展侦查，迅速锁定嫌疑人行踪。<br>
　　警方提醒：凡是自称客服要求转账、提供验证码的，都是诈骗！如遇可疑情况，请及时拨打110报警。<br>
</td></tr>
<tr><td class="foot"><a href="/">网站首页</a> | <a href="/about">关于我们</a> | 主办单位：某某县人民政府办公室 2023年05月08日</td></tr>
</table></body></html>"""


def test_gbk_government_page_without_h1_decoded_from_raw_bytes():
    article = extract_article(GBK_GOV_PAGE.encode("gbk"))
    assert article.title == "县公安局破获一起电信诈骗案件"
    assert article.published_at == datetime(2023, 5, 6, 16, 20, tzinfo=CHINA)
    assert article.source == "县公安局"
    assert article.author == "王建国"
    assert article.text.startswith("近日，县公安局成功破获")
    assert article.text.endswith("请及时拨打110报警。")
    assert "网站首页" not in article.text


BIG5_PAGE = """<html><head><title>法院判決引起市民關注 - 港聞 - 某某日報</title>
<meta property="article:published_time" content="2022-03-01T10:00:00+08:00"></head>
<body><header><h1><a href="https://news.example.hk/"><img src="logo.png" alt="某某日報"></a></h1></header>
<article><h1>法院判決引起市民關注</h1><div class="meta">2022年03月01日 09:41　某某日報</div>
<div class="article-body"><p>高等法院今日就一宗涉及執法程序的案件作出判決，裁定政府上訴得直，判詞長達八十頁。</p>
<p>法官在判詞中指出，警方在調查過程中的做法符合法例要求，並無違反當事人權利。</p>
<p>有法律界人士表示，判決對日後同類案件具有參考價值，市民亦可透過官方網站查閱全文。</p></div></article>
<section class="comments"><p>網友甲 2022年03月02日 08:00：支持依法判決。</p></section></body></html>"""


def test_big5_page_with_logo_h1_and_meta_time_that_disagrees():
    article = extract_article(BIG5_PAGE.encode("big5hkscs"))
    assert article.title == "法院判決引起市民關注"
    assert article.published_at == datetime(2022, 3, 1, 9, 41, tzinfo=CHINA)
    assert article.source == "某某日報"
    assert "高等法院今日" in article.text and "查閱全文" in article.text
    assert "支持依法判決" not in article.text


def test_page_with_no_date_gives_null_time():
    markup = """<html><head><title>关于我们_某某网</title></head><body><h1>关于我们</h1>
    <div class="content"><p>某某网是一家关注法治建设的综合性网站，致力于传播法律知识，服务人民群众。</p>
    <p>我们欢迎社会各界提供线索，共同营造良好的网络环境，推动依法治理不断深入。</p></div></body></html>"""
    article = extract_article(markup)
    assert article.title == "关于我们"
    assert article.published_at is None
    assert "传播法律知识" in article.text


def test_chinese_date_format_with_label_and_meta_timezone():
    markup = """<html><head><title>检察机关通报典型案例 - 法治日报</title>
    <meta name="publishdate" content="2019-03-15 10:20:00"></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/fz">法治</a> 今天是2024年1月1日</div>
    <h1>检察机关通报典型案例</h1><p class="info">发布时间：2019年03月15日 10:20 来源：法治日报</p>
    <div id="content"><p>最高人民检察院15日通报一批典型案例，涉及未成年人保护、食品安全等多个领域，引发社会关注。</p>
    <p>通报指出，各级检察机关要坚持以人民为中心，依法履行法律监督职责，切实维护群众合法权益。</p></div>
    <div class="comment"><p>2019-03-16 08:00 网友：点赞！</p></div></body></html>"""
    article = extract_article(markup)
    assert article.title == "检察机关通报典型案例"
    assert article.published_at == datetime(2019, 3, 15, 10, 20, tzinfo=CHINA)
    assert article.source == "法治日报"


def test_meta_time_with_utc_offset_is_kept_as_an_aware_instant():
    markup = """<html><head><title>通报</title>
    <meta property="article:published_time" content="2021-06-01T02:30:00Z"></head><body><h1>警方通报一起交通事故</h1>
    <div class="content"><p>6月1日上午，某市某路口发生一起两车相撞的交通事故，造成一人受伤，伤者已送医救治。</p>
    <p>事故原因正在进一步调查中，交警部门提醒广大驾驶人谨慎驾驶，注意行车安全。</p></div></body></html>"""
    article = extract_article(markup)
    assert article.published_at == datetime(2021, 6, 1, 10, 30, tzinfo=CHINA)


def test_malformed_page_still_yields_what_it_shows():
    markup = ("<html><head><title>基层治理新实践_某某新闻网</title><body><div><h1>基层治理新实践<h1>"
              "<span>2020-08-09 07:15</span><div class=article><p>村里成立了调解委员会，邻里纠纷不出村就能化解，"
              "群众满意度明显提升。<p>下一步，当地将总结经验，在全县推广这一做法，让更多群众受益。<table><tr><td>")
    article = extract_article(markup)
    assert article.title == "基层治理新实践"
    assert article.published_at == datetime(2020, 8, 9, 7, 15, tzinfo=CHINA)
    assert "调解委员会" in article.text


@pytest.mark.parametrize("markup", ["", "   ", b"", "<html></html>", "纯文本，没有任何标签。", "<<<>>>", b"\x00\xff\xfe"])
def test_empty_and_degenerate_input_gives_an_empty_article(markup):
    article = extract_article(markup)
    assert isinstance(article, Article)
    assert article.published_at is None
    assert article.author is None
    assert isinstance(article.text, str)


def test_to_json_dict_has_an_iso_time_with_offset():
    article = Article(title="标题", published_at=datetime(2019, 3, 15, 10, 20, tzinfo=CHINA),
                      author=None, source="新华社", text="正文")
    data = article.to_json_dict()
    assert data["published_at"] == "2019-03-15T10:20:00+08:00"
    assert set(data) == {"title", "published_at", "author", "source", "text", "account"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-10-23T09:10:42+08:00", datetime(2019, 10, 23, 9, 10, 42, tzinfo=CHINA)),
        ("2021-06-01T02:30:00Z", datetime(2021, 6, 1, 10, 30, tzinfo=CHINA)),
        ("2023-02-14-18:00:12", datetime(2023, 2, 14, 18, 0, 12, tzinfo=CHINA)),       # gov.cn firstpublishedtime
        ("2019年03月15日 10:20", datetime(2019, 3, 15, 10, 20, tzinfo=CHINA)),
        ("2019-09-07", datetime(2019, 9, 7, tzinfo=CHINA)),
        ("1568023476", datetime(2019, 9, 9, 18, 4, 36, tzinfo=CHINA)),                  # unix seconds
        ("2019-13-45 10:20", None),
        ("不是日期", None),
    ],
)
def test_parse_stamp_formats(value, expected):
    from crawlers.extract.stamps import parse_stamp

    stamp = parse_stamp(value)
    assert (stamp.to_datetime() if stamp else None) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.gov.cn/xinwen/2019-09/07/content_5428.htm", date(2019, 9, 7)),
        ("http://sfj.example.gov.cn/jcdt/202305/t20230512_88123.html", date(2023, 5, 12)),
        ("https://news.example.com/a/2016/11/22/art_1_2.html", date(2016, 11, 22)),
        ("https://news.example.com/a/12345678901.html", None),
        ("https://news.example.com/2019-13-40/x.html", None),
    ],
)
def test_dates_in_urls(url, expected):
    from crawlers.extract.stamps import url_stamp

    stamp = url_stamp(url)
    assert (stamp.day if stamp else None) == expected
