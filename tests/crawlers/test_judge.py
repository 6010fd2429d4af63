"""The health judge: broken parsing, zero items, block pages, failed pages, a sharp drop and stopped walks are
each recognised with their reason; incidental trouble is a warning, not a failure."""

from __future__ import annotations

import pytest

from crawlers.judge import RunHistory, judge

OK_BASE = {"finish_reason": "finished", "downloader/request_count": 51, "robotstxt/response_count": 1,
           "downloader/response_status_count/200": 51, "zhengyu/list_pages": 5, "zhengyu/list_entries": 50,
           "zhengyu/items_new": 40, "zhengyu/items_unchanged": 10}


def stats(**changes) -> dict:
    out = dict(OK_BASE)
    for key, value in changes.items():
        out[key.replace("__", "/")] = value
    return {k: v for k, v in out.items() if v is not None}


def codes(verdict) -> set[str]:
    return {p.code for p in verdict.problems}


def test_a_healthy_run_is_ok_without_problems():
    verdict = judge(stats())
    assert verdict.status == "ok" and verdict.problems == [] and verdict.error is None


def test_forty_spider_exceptions_and_no_items_is_a_failure():
    # The run the old judge called healthy: responses came, the callbacks all raised, nothing was stored.
    verdict = judge(stats(**{"spider_exceptions/count": 40, "spider_exceptions/KeyError": 40,
                             "zhengyu/items_new": 0, "zhengyu/items_unchanged": 0}))
    assert verdict.status == "failed" and "parse" in codes(verdict)
    assert "页面解析失败 40 次" in verdict.error and "程序异常 40 次" in verdict.error


def test_one_parse_error_among_many_good_pages_is_only_a_warning():
    verdict = judge(stats(zhengyu__parse_errors=1))
    assert verdict.status == "ok" and codes(verdict) == {"parse"} and not verdict.problems[0].fatal


def test_lists_without_entries_mean_a_redesign():
    verdict = judge(stats(zhengyu__list_entries=0, zhengyu__items_new=0, zhengyu__items_unchanged=0))
    assert verdict.status == "failed" and "no_entries" in codes(verdict) and "改版" in verdict.error


def test_no_list_page_read_at_all_is_a_failure():
    verdict = judge(stats(zhengyu__list_pages=0, zhengyu__list_entries=0))
    assert verdict.status == "failed" and "no_list" in codes(verdict)


@pytest.mark.parametrize("kind, words", [("login", "登录墙"), ("captcha", "验证码"), ("rate_limited", "访问频率限制"),
                                         ("forbidden", "访问被拒绝")])
def test_block_pages_fail_the_run_with_an_example(kind, words):
    verdict = judge(stats(**{f"zhengyu/blocked/{kind}": 2, f"zhengyu/blocked_example/{kind}": "http://x/a"}))
    assert verdict.status == "failed" and words in verdict.error and "http://x/a" in verdict.error


def test_failed_pages_fail_the_run_only_when_they_are_not_incidental():
    one = judge(stats(**{"httperror/response_ignored_status_count/500": 1}))
    assert one.status == "ok" and "偶发" in one.summary
    many = judge(stats(**{"httperror/response_ignored_status_count/500": 15,
                          "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 4}))
    assert many.status == "failed" and "HTTP 500 15 次" in many.error and "请求超时 4 次" in many.error
    huge = judge(stats(**{"downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError": 1}))
    assert huge.status == "ok" and "大小上限" in huge.summary


def test_nothing_answered_names_the_connection_failures():
    verdict = judge({"finish_reason": "finished", "downloader/exception_count": 3,
                     "downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError": 3})
    assert verdict.status == "failed" and verdict.error.startswith("没有取得任何有效响应（连接失败 3 次")


def test_a_sharp_drop_against_the_sources_own_history():
    history = RunHistory(entries=(50, 52, 48, 50, 51, 49), pages=(5, 5, 5, 5, 5, 5))
    assert judge(stats(), history).status == "ok"
    drop = judge(stats(zhengyu__list_entries=8, zhengyu__list_pages=5), history)
    assert drop.status == "failed" and "骤降" in drop.error and "中位数为 50 条" in drop.error
    per_page = judge(stats(zhengyu__list_entries=10, zhengyu__list_pages=1),
                     RunHistory(entries=(10,) * 6, pages=(1,) * 6))
    assert per_page.status == "ok"
    thin = judge(stats(zhengyu__list_entries=16, zhengyu__list_pages=8), RunHistory((50,) * 6, (5,) * 6))
    assert thin.status == "failed" and "每页" in thin.error
    short_history = RunHistory(entries=(50, 50), pages=(5, 5))
    assert judge(stats(zhengyu__list_entries=8), short_history).status == "ok"
    assert judge(stats(zhengyu__list_entries=8), history, distributed=True).status == "ok"


def test_stopped_walks_make_an_incomplete_run():
    walks = {"a#top": {"key": "a", "gap": None, "state": "stopped", "resume": "u", "reason": "max_pages",
                       "floor": None, "pages": 20}}
    verdict = judge(stats(**{"zhengyu/walks": walks}))
    assert verdict.status == "incomplete" and verdict.ok and verdict.advances_cursor
    assert "max_pages" in verdict.summary


def test_a_lost_peer_keeps_the_cursor():
    verdict = judge(stats(zhengyu__peers_lost=1))
    assert verdict.status == "incomplete" and not verdict.advances_cursor


def test_warnings_are_kept_with_their_reasons():
    verdict = judge(stats(zhengyu__charset_mismatch=3, zhengyu__refetched_truncated=1, zhengyu__parent_cycles=2))
    assert verdict.status == "ok"
    assert codes(verdict) == {"charset", "truncated", "cycles"}
    assert "3 个页面声明的编码与实际不符" in verdict.summary


def test_unfinished_store_and_redis_failures():
    assert "未正常结束" in judge(stats(finish_reason="shutdown")).error
    assert "写入数据库失败 2 次" in judge(stats(zhengyu__store_errors=2)).error
    assert "Redis" in judge(stats(zhengyu__redis_errors=1)).error
