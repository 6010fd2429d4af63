"""A hand-written hold-out for the generic extractor: page shapes of common Chinese CMS templates that do not occur
in ../shared/data/pages/dev (WeChat articles, court and procuratorate sites, gov.cn-style pages, comment threads
under an article, a date only in the URL). The markup is written for these tests, modelled on the structure such
sites publish; the rules under test were not tuned on them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawlers.extract import extract_article

CHINA = timezone(timedelta(hours=8))

WECHAT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title></title>
<meta property="og:title" content="警方提醒：这些新型诈骗手法要当心">
<meta name="author" content="平安某某"></head><body id="activity-detail">
<div class="rich_media"><h1 class="rich_media_title" id="activity-name">
    警方提醒：这些新型诈骗手法要当心
</h1><div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_text">
平安某某</span><span class="rich_media_meta_nickname"><a id="js_name">某某公安</a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em></div>
<div class="rich_media_content" id="js_content"><section><span>近期，我市接连发生多起冒充快递客服实施诈骗的案件，
不少市民因轻信对方而遭受损失。</span></section><section><span>民警提醒广大市民：快递丢失理赔请通过官方渠道核实，
不要点击陌生链接，更不要向陌生账户转账。</span></section><p><span>如遇可疑情况，请第一时间拨打110报警。</span></p></div>
<div id="js_pc_qr_code"><p>微信扫一扫关注该公众号</p></div></div>
<script>var publish_time = "2023-06-12" || ""; var ct = "1686547200";</script></body></html>"""

COURT_GB18030 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>某某区法院审结一起危险驾驶案-某某区人民法院</title></head><body>
<table class="top"><tr><td><img src="/logo.gif" alt="某某区人民法院"></td><td><a href="/">首页</a>
<a href="/fyxw/">法院新闻</a> <a href="/ajxx/">案件信息</a></td></tr></table>
<table width="960"><tr><td class="lm">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/fyxw/">法院新闻</a></td></tr>
<tr><td align="center"><font class="biaoti">某某区法院审结一起危险驾驶案</font></td></tr>
<tr><td align="center" class="xx">作者：刘晓燕&nbsp;&nbsp;&nbsp;发布时间：2021-11-03 09:12:45&nbsp;&nbsp;&nbsp;来源：某某区人民法院</td></tr>
<tr><td class="nr"><p>　　近日，某某区人民法院审结一起危险驾驶案，被告人张某醉酒驾驶机动车，被依法判处拘役三个月，并处罚金人民币五千元。</p>
<p>　　经审理查明，2021年8月15日晚，张某饮酒后驾驶小型轿车行驶至某某路口时被执勤民警查获，经鉴定其血液中乙醇含量为156mg/100ml。</p>
<p>　　法院认为，被告人张某在道路上醉酒驾驶机动车，其行为已构成危险驾驶罪。法官提醒：酒后不开车，安全你我他。</p></td></tr>
<tr><td class="dy">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table></body></html>"""

GOV_STYLE = """<html><head><meta charset="utf-8"><title>司法部发布新修订的法律援助工作规定_部门政务_中国政府网</title>
<meta name="firstpublishedtime" content="2023-02-14-18:00:12"><meta name="lastmodifiedtime" content="2023-02-15-09:31:00">
<meta name="source" content="司法部网站"></head><body>
<div class="header"><div class="logo"><a href="http://www.gov.cn/"><img src="logo.png"></a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li><li><a href="/hudong/">互动</a></li></ul></div>
<div class="article oneColumn pub_border"><h1>司法部发布新修订的法律援助工作规定</h1>
<div class="pages-date">2023-02-14 18:00 <span class="font">来源： 司法部网站</span>
<span class="font index_switchsize">【字体：<span>大</span> <span>中</span> <span>小</span>】</span></div>
<div class="pages_content" id="UCAP-CONTENT"><p>　　为贯彻实施法律援助法，进一步规范法律援助工作，司法部近日发布新修订的《法律援助工作规定》，自2023年3月1日起施行。</p>
<p>　　规定明确了法律援助机构的职责、法律援助人员的权利义务，细化了申请、审查、指派等工作程序，强化了服务质量监管。</p>
<p>　　司法部有关负责人表示，各地要做好规定的宣传解读和贯彻落实工作，切实保障困难群众合法权益。</p></div>
<div class="editor">【我要纠错】 责任编辑：王某</div></div>
<div class="related"><h3>相关稿件</h3><ul><li><a href="/1.htm">司法部召开新闻发布会 2023-02-10</a></li>
<li><a href="/2.htm">法律援助法实施一周年 2023-01-01</a></li></ul></div></body></html>"""

WITH_COMMENTS = """<html><head><meta charset="utf-8"><title>男子网上散布谣言被行政拘留 - 某某新闻网</title>
<meta name="description" content="男子网上散布谣言被行政拘留"></head><body>
<div id="top"><a href="/"><img src="logo.png" alt="某某新闻网"></a></div>
<div class="main"><div class="left"><div class="article-header"><h2 class="article-title">男子网上散布谣言被行政拘留</h2>
<p class="article-meta"><span>发布时间：2022-09-18 20:05</span> <span>来源：某某市公安局</span> <span>编辑：陈某</span></p></div>
<div class="article-content"><p>9月17日，有网民在某短视频平台发布“某地发生重大安全事故”的不实信息，引发部分群众恐慌。</p>
<p>经公安机关调查，该信息系男子赵某为博取关注编造，赵某对其违法行为供认不讳，目前已被依法行政拘留五日。</p>
<p>警方提醒：网络不是法外之地，请广大网民不造谣、不信谣、不传谣。</p></div>
<div class="comments"><h3>网友评论</h3><ul>
<li><span class="user">网友A</span><span class="time">2022-09-19 08:31:02</span><p>支持依法处理，谣言害人，一定要严惩造谣者。</p></li>
<li><span class="user">网友B</span><span class="time">2022-09-19 09:02:45</span><p>希望大家都能理性看待网上的信息，不要轻易转发。</p></li>
</ul></div></div><div class="right"><h3>热点排行</h3><ul><li><a href="/a">某地举行禁毒宣传活动</a></li>
<li><a href="/b">交警开展夜查行动</a></li></ul></div></div></body></html>"""

URL_DATED = """<html><head><meta charset="utf-8"><title>社区调解室化解邻里纠纷_基层动态_某某司法行政网</title></head><body>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/jcdt/">基层动态</a></div>
<div class="con"><div class="tit">社区调解室化解邻里纠纷</div>
<div class="txt"><p>近日，某某社区人民调解委员会成功化解一起因房屋漏水引发的邻里纠纷，双方当场签订调解协议。</p>
<p>据了解，该社区调解室自设立以来，已累计化解各类矛盾纠纷八十余件，调解成功率达百分之九十五以上。</p></div></div>
</body></html>"""


@pytest.mark.parametrize(
    ("markup", "url", "title", "published", "author", "source", "head", "tail"),
    [
        (WECHAT, "https://mp.weixin.qq.com/s/AbCdEf", "警方提醒：这些新型诈骗手法要当心",
         datetime(2023, 6, 12, 13, 20, tzinfo=CHINA), "平安某某", None, "近期，我市接连发生", "拨打110报警。"),
        (COURT_GB18030.encode("gb18030"), None, "某某区法院审结一起危险驾驶案",
         datetime(2021, 11, 3, 9, 12, 45, tzinfo=CHINA), "刘晓燕", "某某区人民法院", "近日，某某区人民法院审结",
         "安全你我他。"),
        (GOV_STYLE, "http://www.gov.cn/xinwen/2023-02/14/content_5741234.htm", "司法部发布新修订的法律援助工作规定",
         datetime(2023, 2, 14, 18, 0, 12, tzinfo=CHINA), None, "司法部网站", "为贯彻实施法律援助法", "合法权益。"),
        (WITH_COMMENTS, None, "男子网上散布谣言被行政拘留", datetime(2022, 9, 18, 20, 5, tzinfo=CHINA), None,
         "某某市公安局", "9月17日，有网民", "不信谣、不传谣。"),
        (URL_DATED, "http://sfj.example.gov.cn/jcdt/202305/t20230512_88123.html", "社区调解室化解邻里纠纷",
         datetime(2023, 5, 12, tzinfo=CHINA), None, None, "近日，某某社区", "百分之九十五以上。"),
    ],
    ids=["wechat", "court-gb18030", "gov-style", "with-comments", "date-in-url"],
)
def test_holdout_page_shapes(markup, url, title, published, author, source, head, tail):
    article = extract_article(markup, url=url)
    assert article.title == title
    assert article.published_at == published
    assert article.author == author
    assert article.source == source
    assert article.text.startswith(head)
    assert article.text.endswith(tail)


def test_comments_and_sidebars_stay_out_of_the_body():
    text = extract_article(WITH_COMMENTS).text
    assert "网友A" not in text and "支持依法处理" not in text and "热点排行" not in text


def test_without_its_url_a_page_that_shows_no_date_has_none():
    assert extract_article(URL_DATED).published_at is None


def test_a_line_break_inside_chinese_prose_does_not_become_a_space():
    text = extract_article(WECHAT).text
    assert "案件，不少市民" in text


def test_year_less_time_under_the_headline_takes_the_year_from_metadata_but_keeps_the_shown_clock():
    markup = """<html><head><title>某地通报一起事故_某某新闻</title>
    <meta property="article:published_time" content="2021-09-07T10:25:00+08:00"></head><body>
    <h1>某地通报一起事故</h1><div class="date">09月07日 10:20 某某晚报</div><div class="article">
    <p>9月7日上午，某地发生一起交通事故，造成两人受伤，伤者已被送往医院救治，目前生命体征平稳。</p>
    <p>事故原因正在调查之中，有关部门提醒广大驾驶人注意行车安全。</p></div></body></html>"""
    article = extract_article(markup)
    assert article.published_at == datetime(2021, 9, 7, 10, 20, tzinfo=CHINA)
    assert article.source == "某某晚报"


def test_shown_date_without_clock_borrows_the_clock_from_metadata_of_the_same_day():
    markup = """<html><head><title>县司法局开展普法宣传活动</title><meta name="pubdate" content="2016-11-22 09:53">
    </head><body><div class="title">县司法局开展普法宣传活动</div><div class="info">发布日期：2016-11-22</div>
    <div class="text"><p>近日，县司法局组织工作人员深入社区开展普法宣传活动，发放宣传资料三百余份，现场解答群众法律咨询。</p>
    </div></body></html>"""
    assert extract_article(markup).published_at == datetime(2016, 11, 22, 9, 53, tzinfo=CHINA)


def test_unlabelled_time_under_the_headline_beats_labelled_comment_stamps_far_below():
    comments = "".join(f"<div class='reply'><span>网友{i}</span> 发表于 2020-03-0{i % 9 + 1} 12:0{i % 9}"
                       f"<p>说得对，支持依法处理，希望早日查清真相。</p></div>" for i in range(12))
    markup = f"""<html><head><title>某市检察院通报一起案件</title></head><body><h1>某市检察院通报一起案件</h1>
    <div class="info">2020-02-28 17:30 某市检察院</div><div class="content">
    <p>某市人民检察院28日通报，对一起涉嫌非法集资案件依法提起公诉，涉案金额两千余万元。</p>
    <p>检察机关提醒群众，要警惕高息理财陷阱，遇到可疑情况及时向公安机关报案。</p></div>
    <div class="replies">{comments}</div></body></html>"""
    assert extract_article(markup).published_at == datetime(2020, 2, 28, 17, 30, tzinfo=CHINA)


def test_a_date_inside_the_prose_is_an_event_date_not_the_publish_date():
    markup = """<html><head><title>调研组到社区开展调研</title></head><body><h1>调研组到社区开展调研</h1>
    <div class="content"><p>2019年2月27日下午，市金融局调研组一行到众创金融街开展实地调研，走访了多家进驻企业，
    并围绕金融服务实体经济、优化营商环境等议题与企业负责人进行了深入座谈交流。</p>
    <p>调研组对金融街的发展成效给予肯定，并就下一步工作提出了具体意见和建议。</p></div>
    <div class="foot">发布日期：2019-03-06 责任编辑：张某</div></body></html>"""
    assert extract_article(markup).published_at == datetime(2019, 3, 6, tzinfo=CHINA)


def test_an_article_split_by_a_picture_box_keeps_both_halves():
    markup = """<html><head><title>全市开展扫黑除恶专项斗争宣传月活动_某某政法网</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/zfyw/">政法要闻</a></div>
    <h1>全市开展扫黑除恶专项斗争宣传月活动</h1><p class="time">2019-05-10 09:30</p>
    <div class="wrap"><div class="text"><p>为进一步营造浓厚的社会氛围，全市政法机关从5月起集中开展扫黑除恶专项斗争宣传月活动。</p>
    <p>活动期间，各地通过设立咨询台、发放宣传册、播放警示片等形式，向群众宣传扫黑除恶政策法规。</p></div>
    <div class="pic"><img src="a.jpg"><span>图为宣传现场</span></div>
    <div class="text"><p>据统计，宣传月期间共发放宣传资料五万余份，接受群众咨询三千余人次，收到线索二十余条。</p>
    <p>下一步，全市将持续深化宣传发动，形成全民参与扫黑除恶的良好局面。</p></div></div>
    <div class="share"><a href="#">分享到微信</a> <a href="#">分享到微博</a></div></body></html>"""
    text = extract_article(markup).text
    assert text.startswith("为进一步营造浓厚的社会氛围")
    assert text.endswith("形成全民参与扫黑除恶的良好局面。")
    assert "分享到" not in text
