"""Spiders on real recorded platform responses (../shared/data/pages/platforms/), via Scrapy's test crawler."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawlers.items import DeletionItem, PostItem
from crawlers.sources import SourceConfig
from crawlers.spiders.base import CrawlState
from crawlers.spiders.weibo import WeiboSpider, author_type
from crawlers.textutil import inline_emoticons, shown_number
from crawlers.walks import ListWalk
from zhengyu.clock import FrozenClock

CST = timezone(timedelta(hours=8))
NOW = datetime(2019, 6, 15, 12, 0, tzinfo=CST)


def weibo_spider(state: CrawlState | None = None, **kwargs) -> WeiboSpider:
    source = SourceConfig(name="rec_weibo", family="weibo", platform="weibo", base_url="https://m.weibo.cn",
                          options={"timelines": ["1669879400"]})
    crawler = get_crawler(WeiboSpider)
    return WeiboSpider.from_crawler(crawler, source=source, state=state, clock=FrozenClock(NOW), **kwargs)


def json_response(url: str, path) -> TextResponse:
    return TextResponse(url=url, body=path.read_bytes(), encoding="utf-8", request=Request(url))


def test_timeline_page_of_a_real_account(shared_data):
    path = shared_data / "pages/platforms/weibo/extracted_getIndex_containerid_107603_weibo_page2.json"
    spider = weibo_spider()
    response = json_response("https://m.weibo.cn/api/container/getIndex?containerid=1076031669879400&page=2", path)
    out = list(spider.parse_list(response, walk=ListWalk("1076031669879400", spider.floor, page=2),
                                 containerid="1076031669879400", extra={}, page=2))
    posts = [o for o in out if isinstance(o, PostItem)]
    requests = [o for o in out if isinstance(o, Request)]
    assert len(posts) == 10 and posts[0].external_id == "4383183661430868"
    assert posts[0].published_at == datetime(2019, 6, 14, tzinfo=CST)  # "06-14": month-day of this year
    assert posts[0].author_type == "self_media" and posts[0].author_id == "1669879400"
    assert next(p for p in posts if p.external_id == "4379188905591760").comments_count == 1_000_000  # "100万+"
    comment_requests = [r for r in requests if "hotflow" in r.url]
    assert len(comment_requests) == 10
    assert any("page=3" in r.url for r in requests)


def test_list_walk_stops_at_the_floor_and_skips_threads_already_complete(shared_data):
    path = shared_data / "pages/platforms/weibo/extracted_getIndex_containerid_107603_weibo_page2.json"
    state = CrawlState(high_water=datetime(2019, 6, 9, 12, tzinfo=CST), children={"4383183661430868": 95535})
    spider = weibo_spider(state=state)
    spider.source = spider.source.model_copy(update={"revisit_hours": 0})
    spider.floor = spider._floor()
    out = list(spider.parse_list(json_response("https://m.weibo.cn/x", path), walk=ListWalk("c", spider.floor, 2),
                                 containerid="c", extra={}, page=2))
    posts = [o.external_id for o in out if isinstance(o, PostItem)]
    assert posts == ["4383183661430868", "4383180406740606", "4382054705416396"]  # 06-09 and older are below
    requests = [o.url for o in out if isinstance(o, Request)]
    assert not any("page=3" in r for r in requests)  # the floor was reached: no next page
    assert not any("4383183661430868" in r for r in requests)  # its comments are all stored already


def test_hotflow_page_of_real_comments(shared_data):
    path = shared_data / "pages/platforms/weibo/extracted_comments_hotflow_first_page.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    spider = weibo_spider()
    out = list(spider.parse_comments(json_response("https://m.weibo.cn/api/comments/hotflow?id=1", path),
                                     post_id="4383183661430868"))
    comments = [o for o in out if isinstance(o, PostItem)]
    requests = [o for o in out if isinstance(o, Request)]
    assert [c.external_id for c in comments] == [str(c["id"]) for c in data["data"]["data"]]
    assert all(c.kind == "comment" and c.parent_external_id == "4383183661430868" for c in comments)
    assert comments[0].published_at == datetime(2019, 6, 14, 20, 39, 20, tzinfo=CST)
    assert comments[0].author_type == "unknown"  # an enterprise account (verified_type 2)
    assert "[羞嗒嗒]" in inline_emoticons(comments[0].text_raw)
    child = [r for r in requests if "hotFlowChild" in r.url]
    assert len(child) == sum(1 for c in data["data"]["data"] if c["total_number"] > len(c.get("comments") or []))
    nxt = [r for r in requests if "hotflow?" in r.url]
    assert len(nxt) == 1 and f"max_id={data['data']['max_id']}" in nxt[0].url


def test_deleted_post_and_empty_thread_answers():
    spider = weibo_spider()
    deleted = TextResponse(url="https://m.weibo.cn/api/comments/hotflow?id=9", encoding="utf-8",
                           body='{"ok":0,"errno":"20101","msg":"抱歉，此微博已被作者删除。"}'.encode())
    out = list(spider.parse_comments(deleted, post_id="9"))
    assert len(out) == 1 and isinstance(out[0], DeletionItem) and out[0].external_id == "9"
    empty = TextResponse(url="https://m.weibo.cn/api/comments/hotflow?id=8", encoding="utf-8",
                         body='{"ok":0,"msg":"快来发表你的评论吧"}'.encode())
    assert list(spider.parse_comments(empty, post_id="8")) == []
    broken = TextResponse(url="https://m.weibo.cn/api/comments/hotflow?id=7", encoding="utf-8",
                          body=b'{"ok":1,"data":{"data":[{"id":')
    assert list(spider.parse_comments(broken, post_id="7")) == []
    assert spider.crawler.stats.get_value("zhengyu/parse_errors") == 1


@pytest.mark.parametrize("user, expected", [
    ({"verified": False, "verified_type": -1}, "netizen"),
    ({"verified": True, "verified_type": 1}, "official"),
    ({"verified": True, "verified_type": 3}, "media"),
    ({"verified": True, "verified_type": 0}, "self_media"),
    ({"verified": True, "verified_type": 2}, "unknown"),
    ({}, "unknown"),
])
def test_author_type_from_verification(user, expected):
    assert author_type(user) == expected


@pytest.mark.parametrize("shown, value", [(42, 42), ("42", 42), ("3.5万", 35000), ("100万+", 1_000_000),
                                          ("", 0), (None, 0), ("很多", 0)])
def test_shown_counts(shown, value):
    assert shown_number(shown) == value


def test_forum_spider_reads_a_real_tieba_thread_page(shared_data):
    from crawlers.spiders.forum import ForumSpider

    source = SourceConfig(name="rec_tieba", family="forum", platform="tieba", base_url="https://tieba.baidu.com",
                          options={"boards": ["/f?kw=x"]})
    spider = ForumSpider.from_crawler(get_crawler(ForumSpider), source=source, clock=FrozenClock(NOW))
    body = (shared_data / "pages/platforms/tieba/mediacrawler_note_detail.html").read_bytes()
    response = HtmlResponse(url="https://tieba.baidu.com/p/9117905169", body=body,
                            request=Request("https://tieba.baidu.com/p/9117905169"))
    out = list(spider.parse_thread(response, tid="9117905169", pn=1))
    items = [o for o in out if isinstance(o, PostItem)]
    assert len(items) >= 25  # 31 floors on the page; a few are ads without a post id
    first = items[0]
    assert first.kind == "post" and first.external_id == "9117905169" and first.title
    assert all(i.kind == "comment" and i.parent_external_id == "9117905169" for i in items[1:])
    assert all(i.published_at is not None for i in items)
    pages = [o for o in out if isinstance(o, Request) and "pn=" in o.url and "/p/comment" not in o.url]
    assert len(pages) == 12  # page 1 of 13


def test_a_real_repost_keeps_the_link_to_its_original(shared_data):
    data = json.loads((shared_data / "pages/platforms/weibo/extracted_statuses_show_retweet.json").read_text("utf-8"))
    item = weibo_spider().post_item(data["data"])
    assert item.external_id == "4383411844046171" and item.text_raw == "转发微博"
    assert item.extra["retweeted_id"] == "4383404751066167"
    assert item.published_at == datetime(2019, 6, 15, 11, 44, 46, tzinfo=CST)
