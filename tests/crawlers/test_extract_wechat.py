"""WeChat official-account article pages: title, account name and publish time from the page's script variables.

The fixtures (tests/crawlers/fixtures/wechat/, see its README for where each structure comes from) cover the page
as served in 2016, 2020 and 2023 and as saved from a browser.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawlers.extract import extract_article
from crawlers.extract.page import PageUnavailable, extract_page

CHINA = timezone(timedelta(hours=8))
FIXTURES = Path(__file__).parent / "fixtures" / "wechat"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_wechat_article_page_gives_its_publish_time_title_and_account():
    article = extract_article(page("raw_2020.html"), url="https://mp.weixin.qq.com/s/AbCdEfGhIjKl")
    # var ct = "1686547200" is 2023-06-12 05:20:00 UTC; the visible <em id="publish_time"> is empty
    assert article.published_at == datetime(2023, 6, 12, 13, 20, tzinfo=CHINA)
    assert article.title == "警方提醒：冒充快递客服的诈骗又来了"
    assert article.account == "平安江城"
    assert article.author == "市局反诈中心"
    assert article.text.startswith("近期，我市接连发生多起冒充快递客服")
    assert article.text.endswith("请第一时间拨打110报警。")


def test_the_page_is_recognised_by_its_markup_without_a_url():
    assert extract_article(page("raw_2020.html")).account == "平安江城"


def test_the_servers_clock_is_not_the_publish_time():
    # svr_time (2023-06-13 17:36) is when the page was fetched
    assert extract_article(page("raw_2020.html")).published_at.date().isoformat() == "2023-06-12"


def test_the_hidden_body_is_read_and_the_frame_around_it_is_not():
    text = extract_article(page("raw_2020.html")).text
    assert "王女士按照对方指示操作后" in text
    for frame in ("微信扫一扫", "关注该公众号", "功能介绍", "pinganjiangcheng", "阅读", "投诉", "编辑：小安"):
        assert frame not in text


def test_when_ct_and_the_shown_day_disagree_the_day_readers_see_wins():
    # a preview link: ct (1467458454) is 2016-07-02, when the draft was made; the page shows 2016-09-03
    article = extract_article(page("post_date_2016.html"))
    assert article.published_at == datetime(2016, 9, 3, tzinfo=CHINA)
    assert (article.title, article.author, article.account) == ("区法院开展“法律进社区”普法宣传", "刘法宣", "江城区人民法院")
    assert article.text.endswith("受到社区居民的普遍欢迎。")


def test_newer_pages_give_create_time_and_a_html_decoded_nickname():
    article = extract_article(page("create_time_2023.html"))
    # create_time = "1687096896" * 1 is 2023-06-18 14:01:36 UTC
    assert article.published_at == datetime(2023, 6, 18, 22, 1, 36, tzinfo=CHINA)
    assert article.title == "检察官说法｜网络不是“法外之地”"
    assert (article.author, article.account) == ("林检", "江城检察")
    assert "关注公众号" not in article.text and article.text.endswith("任何人都不能心存侥幸。")


def test_a_page_saved_from_a_browser_shows_the_filled_publish_time():
    article = extract_article(page("browser_saved.html"))
    assert article.published_at == datetime(2023, 6, 12, 13, 20, tzinfo=CHINA)
    assert (article.title, article.account) == ("夏季防溺水，这些知识要牢记", "江城公安")


def test_script_strings_are_unescaped():
    markup = page("create_time_2023.html").decode("utf-8").replace('<a href="javascript:void(0);" '
                                                                   'class="wx_tap_link js_wx_tap_highlight '
                                                                   'weui-wa-hotarea" id="js_name">江城检察</a>', "")
    markup = markup.replace('<div class="wx_follow_nickname">江城检察</div>', "")
    markup = markup.replace('htmlDecode("江城检察")', 'htmlDecode("江城检察&amp;\\x26amp;普法")')
    assert extract_article(markup).account == "江城检察&&普法"


DELETED = """<html><head><title></title><meta property="og:site_name" content="微信公众平台"></head>
<body class="zh_CN"><div class="weui-msg"><div class="weui-msg__text-area"><h2 class="weui-msg__title">
该内容已被发布者删除</h2></div></div></body></html>"""
BLOCKED = """<html><head><title>Title</title></head><body class="zh_CN " ontouchstart=""><div class="weui-msg">
<div class="weui-msg__text-area pc-area"><h2 class="weui-msg__title">环境异常</h2>
<p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p></div>
<p class="weui-btn-area"><a class="weui-btn weui-btn_primary" id="js_verify">去验证</a></p></div></body></html>"""


@pytest.mark.parametrize(("markup", "reason"), [(DELETED, "已被发布者删除"), (BLOCKED, "环境异常")])
def test_a_notice_instead_of_an_article_gives_no_article_and_a_clear_reason(markup, reason):
    article = extract_article(markup, url="https://mp.weixin.qq.com/s/Gone")
    assert (article.title, article.text, article.published_at) == (None, "", None)
    with pytest.raises(PageUnavailable, match=reason):
        extract_page(markup.encode("utf-8"), url="https://mp.weixin.qq.com/s/Gone")
