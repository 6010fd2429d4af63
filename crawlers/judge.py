"""Judging one crawl run from its stats: failed, incomplete or ok, with every problem found and its reason.

A run is **failed** (it counts towards the collection-failure alert and the cursor stays put) when:

* it did not finish normally, could not store items, or lost its Redis queue;
* it got no usable response at all, or could not read a single list page;
* any response was a login wall, CAPTCHA, rate-limit or block page (HTTP 401/403/429 or the page's content);
* pages failed (HTTP 5xx after retries, timeouts, cut-off or oversized downloads, binary data) or could not be
  parsed (spider exceptions, malformed JSON, pages without the expected content) in numbers that are not
  incidental: at least ``MIN_FAILURES`` and ``FAILURE_SHARE`` of what was fetched, or with nothing collected;
* its list pages showed no entries at all (a redesign, or selectors gone stale);
* it saw a sharp drop against the source's own history: entries per run or per list page under
  ``DROP_SHARE`` of the median of its last ``HISTORY_RUNS`` good runs.

A run is **incomplete** when it is fine but a list walk stopped early (``max_pages``, a failed list page) and
left a gap for the next run, or a distributed peer vanished; everything else found (a few failed pages, wrong
charsets, refetched truncated pages, parent cycles) is a warning. All of it is stored on the run and shown by
``zhengyu crawl --status``. In distributed mode each process judges its own share of the run.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from crawlers import stats as keys
from crawlers.blockpages import BINARY, KIND_NAMES
from crawlers.walks import STATS_KEY, STOPPED

MIN_FAILURES = 3
FAILURE_SHARE = 0.2
DROP_SHARE = 0.25
HISTORY_RUNS = 10
MIN_HISTORY = 5
MIN_BASELINE_ENTRIES = 5

_EXC = "downloader/exception_type_count/"
_PAGE_FAILURES = {  # downloader exceptions left after retries, by what a user should read
    "scrapy.exceptions.DownloadTimeoutError": "请求超时",
    "twisted.internet.error.TimeoutError": "请求超时",
    "scrapy.exceptions.DownloadCancelledError": "页面超过大小上限（crawl.max_response_bytes）",
    "scrapy.exceptions.ResponseDataLossError": "页面传输中断（内容不完整）",
    "scrapy.exceptions.DownloadConnectionRefusedError": "连接被拒绝",
    "scrapy.exceptions.DownloadFailedError": "下载失败",
    "scrapy.exceptions.CannotResolveHostError": "域名无法解析",
}


@dataclass
class Problem:
    code: str
    message: str
    fatal: bool
    count: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fatal": self.fatal, "count": self.count}


@dataclass
class Verdict:
    status: str  # ok | incomplete | failed
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def advances_cursor(self) -> bool:
        """A good run advances the high-water mark, unless a peer vanished with requests it had taken."""
        return self.ok and not any(p.code == "peers" for p in self.problems)

    @property
    def error(self) -> str | None:
        """The reasons of a failed run, as one line (the most important first)."""
        fatal = [p.message for p in self.problems if p.fatal]
        return "；".join(fatal) if fatal else None

    @property
    def summary(self) -> str | None:
        """Every problem, fatal first, as one line (for the health table)."""
        ordered = sorted(self.problems, key=lambda p: not p.fatal)
        return "；".join(p.message for p in ordered) or None


@dataclass(frozen=True)
class RunHistory:
    """What the source's last good runs saw: list entries per run, and list pages per run."""

    entries: tuple[int, ...] = ()
    pages: tuple[int, ...] = ()


def _count(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, (int, float)) else 0


def _sum(stats: dict[str, Any], prefix: str, codes=None) -> dict[str, int]:
    out = {}
    for key, value in stats.items():
        if key.startswith(prefix) and isinstance(value, (int, float)):
            code = key[len(prefix):]
            if codes is None or codes(code):
                out[code] = int(value)
    return out


def judge(stats: dict[str, Any], history: RunHistory = RunHistory(), distributed: bool = False) -> Verdict:
    """The verdict on one run. ``distributed``: peers shared the run's queue, so this process saw only part of
    it (the checks on list pages read and on the drop against history, which need the whole run, are off)."""
    problems: list[Problem] = []

    def add(code: str, message: str, fatal: bool, count: int = 1) -> None:
        problems.append(Problem(code, message, fatal, count))

    reason = stats.get("finish_reason")
    if reason != "finished":
        add("not_finished", f"采集未正常结束（{reason or '未知原因'}）", True)
    if _count(stats, keys.STORE_ERRORS):
        add("store", f"写入数据库失败 {_count(stats, keys.STORE_ERRORS)} 次", True, _count(stats, keys.STORE_ERRORS))
    if _count(stats, keys.REDIS_ERRORS):
        add("redis", f"Redis 连接中断 {_count(stats, keys.REDIS_ERRORS)} 次（共享队列可能丢失，下次重新采集）", True,
            _count(stats, keys.REDIS_ERRORS))

    statuses = _sum(stats, "downloader/response_status_count/")
    robots = _count(stats, "robotstxt/response_count")
    ok_responses = sum(n for code, n in statuses.items() if code.startswith("2")) - robots
    exceptions = _sum(stats, _EXC)
    requests = max(1, _count(stats, "downloader/request_count") - robots)

    blocked = _sum(stats, keys.BLOCKED)
    for kind, n in sorted(blocked.items()):
        example = stats.get(keys.BLOCKED_EXAMPLE + kind) or ""
        name = KIND_NAMES.get(kind, kind)
        if kind == BINARY:
            continue  # judged with the other failed pages below
        add(f"blocked_{kind}", f"疑似{name}页面 {n} 次（例：{example}）" if example else f"疑似{name}页面 {n} 次",
            True, n)

    if ok_responses <= 0 and not blocked:
        detail = []
        refused = sum(exceptions.values())
        if refused:
            detail.append(f"连接失败 {refused} 次")
        codes = {c: n for c, n in statuses.items() if not c.startswith("2")}
        if codes:
            detail.append("HTTP 状态 " + "、".join(f"{c}×{n}" for c, n in sorted(codes.items())))
        add("no_response", "没有取得任何有效响应" + (f"（{'；'.join(detail)}）" if detail else ""), True)
        return Verdict("failed", problems)

    # Pages that failed for good (after retries).
    failed_pages: list[tuple[str, int]] = []
    http_errors = _sum(stats, "httperror/response_ignored_status_count/")
    for code, n in sorted(http_errors.items()):
        if code.startswith("5"):
            failed_pages.append((f"HTTP {code}", n))
    retried_out = _count(stats, "retry/max_reached")
    for exc, n in sorted(exceptions.items()):
        label = _PAGE_FAILURES.get(exc)
        if label is not None:
            failed_pages.append((label, n))
    if blocked.get(BINARY):
        failed_pages.append((KIND_NAMES[BINARY], blocked[BINARY]))
    failures = sum(n for _label, n in failed_pages)
    if failed_pages:
        significant = failures >= MIN_FAILURES and failures >= FAILURE_SHARE * requests
        detail = "、".join(f"{label} {n} 次" for label, n in failed_pages)
        add("pages", f"页面获取失败：{detail}" + ("" if significant else f"（共 {requests} 个请求，偶发）"),
            significant, failures)
    elif retried_out:
        add("pages", f"重试后仍失败的请求 {retried_out} 个", False, retried_out)

    items = _count(stats, keys.ITEMS_NEW) + _count(stats, keys.ITEMS_UPDATED) + _count(stats, keys.ITEMS_UNCHANGED)
    spider_errors = _count(stats, "spider_exceptions/count")
    parse_errors = _count(stats, keys.PARSE_ERRORS) + spider_errors
    if parse_errors:
        parsed = max(1, ok_responses)
        significant = items == 0 or (parse_errors >= MIN_FAILURES and parse_errors >= FAILURE_SHARE * parsed)
        detail = f"程序异常 {spider_errors} 次，" if spider_errors else ""
        add("parse", f"页面解析失败 {parse_errors} 次（{detail}共 {ok_responses} 个有效响应，采得 {items} 条）",
            significant, parse_errors)

    pages, entries = _count(stats, keys.LIST_PAGES), _count(stats, keys.LIST_ENTRIES)
    if pages and not entries:
        add("no_entries", f"列表页 {pages} 页均未解析出任何条目（站点可能已改版，或选择器已失效）", True)
    elif pages == 0 and not distributed and not _count(stats, keys.EMPTY_LISTS) \
            and not any(p.fatal for p in problems):
        add("no_list", "没有读到任何列表页", True)
    if pages and entries and not distributed and len(history.entries) >= MIN_HISTORY:
        baseline = statistics.median(history.entries)
        per_page = statistics.median(e / p for e, p in zip(history.entries, history.pages) if p) \
            if any(history.pages) else 0
        if baseline >= MIN_BASELINE_ENTRIES and entries < DROP_SHARE * baseline:
            add("drop", f"采集量骤降：本次列表条目 {entries} 条，近 {len(history.entries)} 次正常采集的中位数为 "
                        f"{baseline:g} 条", True)
        elif per_page >= MIN_BASELINE_ENTRIES and entries / pages < DROP_SHARE * per_page:
            add("drop", f"采集量骤降：本次每页 {entries / pages:.1f} 条，近 {len(history.entries)} 次正常采集的"
                        f"中位数为每页 {per_page:.1f} 条", True)

    stopped = [r for r in (stats.get(STATS_KEY) or {}).values() if r.get("state") == STOPPED]
    at_limit = [r for r in stopped if r.get("reason") == "max_pages"]
    if at_limit:
        add("gap", f"{len(at_limit)} 个列表翻页达到上限（max_pages），其余部分下次继续采集", False, len(at_limit))
    if len(stopped) > len(at_limit):
        n = len(stopped) - len(at_limit)
        add("gap_failed", f"{n} 个列表在中途无法读取，下次从中断处继续采集", False, n)
    if _count(stats, keys.PEERS_LOST):
        add("peers", f"{_count(stats, keys.PEERS_LOST)} 个分布式采集节点失联（其已领取的请求丢失），本轮不推进采集进度，"
                     "下次重新采集", False)

    warnings = (
        (keys.CHARSET_MISMATCH, "charset", "{n} 个页面声明的编码与实际不符（已按检测结果解码）"),
        (keys.REFETCHED_TRUNCATED, "truncated", "{n} 个页面传输中被截断，已重新获取"),
        (keys.TRUNCATED_KEPT, "truncated_kept", "{n} 个页面重新获取后仍不完整，已保存可见部分"),
        (keys.THREADS_TRUNCATED, "threads", "{n} 个评论串翻页达到上限（max_comment_pages）"),
        (keys.PARENT_CYCLES, "cycles", "{n} 处上下级关系成环，已断开后保存"),
        (keys.EMPTY_LISTS, "empty_list", "{n} 个列表为空（站点返回无内容）"),
    )
    for key, code, template in warnings:
        n = _count(stats, key)
        if n:
            add(code, template.format(n=n), False, n)

    if any(p.fatal for p in problems):
        return Verdict("failed", problems)
    if stopped or _count(stats, keys.PEERS_LOST):
        return Verdict("incomplete", problems)
    return Verdict("ok", problems)
