"""Run sources: one Scrapy ``CrawlerProcess`` per call, with health bookkeeping around it.

Scrapy's reactor cannot be restarted in one process, so callers that crawl repeatedly (the demo, the
scheduler) run each round in a fresh process (``zhengyu crawl``); :func:`run_sources` is that round.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawlers.context import RunContext
from crawlers.health import RunOutcome, ensure_source, finish_run, load_state, start_run
from crawlers.pipelines import ITEM_PIPELINES
from crawlers.sources import SourceConfig
from crawlers.spiders import spider_class
from storage.engine import make_engine, make_session_factory

log = logging.getLogger(__name__)


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_QUIET = _WarningsOnly()


def scrapy_settings(settings, clock, engine=None) -> dict[str, Any]:
    """Scrapy settings from Zhengyu's settings: polite defaults, honest UA, our pipelines."""
    crawl = settings.crawl
    values: dict[str, Any] = {
        "BOT_NAME": "zhengyu",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay_s,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "DOWNLOAD_TIMEOUT": crawl.http_timeout_s,
        # Every parser downstream (lxml with huge_tree, JSON, the extractor) is bounded by these.
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": min(crawl.warn_response_bytes, crawl.max_response_bytes),
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING" if settings.log_level in ("WARNING", "ERROR") else "INFO",
        "ITEM_PIPELINES": ITEM_PIPELINES,
        "LOG_FORMATTER": "crawlers.logformatter.ZhengyuLogFormatter",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "ZHENGYU_CONTEXT": RunContext(settings, clock, engine),
    }
    if crawl.redis_url:
        values.update({
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_PERSIST": True,  # a process finishing first must not wipe the queue its peers still use
            "REDIS_URL": crawl.redis_url,
            "SCHEDULER_IDLE_BEFORE_CLOSE": 1,
            "EXTENSIONS": {"crawlers.distributed.SharedQueueKeepAlive": 500},
        })
    return values


def source_settings(source: SourceConfig, state_key: str, distributed: bool) -> dict[str, Any]:
    profile = source.throttle_profile
    values: dict[str, Any] = {
        # One crawler per source: its global limit is the per-domain one. This also stops the engine from
        # pulling dozens of requests off a shared scrapy-redis queue into a local delay queue.
        "CONCURRENT_REQUESTS": profile.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": profile.concurrency,
        "DOWNLOAD_DELAY": profile.delay_s,
        "AUTOTHROTTLE_ENABLED": profile.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(profile.delay_s, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(profile.concurrency),
    }
    if distributed:
        # Processes that start from the same stored state share one queue and dupefilter; the next run (after
        # the cursor moved) gets fresh keys, so an old dupefilter never hides new pages.
        values["SCHEDULER_QUEUE_KEY"] = f"zhengyu:{source.name}:{state_key}:requests"
        values["SCHEDULER_DUPEFILTER_KEY"] = f"zhengyu:{source.name}:{state_key}:dupefilter"
    return values


@dataclass
class _Planned:
    source: SourceConfig
    source_id: int
    run_id: int
    crawler: Any


def _state_key(state) -> str:
    raw = f"{state.high_water.isoformat() if state.high_water else '-'}:{sorted(state.children.items())}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def run_sources(settings, sources: list[SourceConfig], *, clock, since: datetime | None = None,
                until: datetime | None = None, engine=None, install_signal_handlers: bool = True
                ) -> list[RunOutcome]:
    """Crawl the given sources once, in this process, and record each source's run and health."""
    from scrapy.crawler import CrawlerProcess

    if not sources:
        return []
    engine = engine or make_engine(settings.database_url,
                                   sqlite_busy_timeout_ms=settings.database.sqlite_busy_timeout_ms)
    factory = make_session_factory(engine)
    if settings.log_level != "DEBUG":
        # Scrapy's INFO lines (versions, middleware lists, stats dumps) drown the CLI's own summary. Scrapy
        # resets the "scrapy" logger when the process is created, so its chatty children are quietened too.
        for name in ("scrapy.utils.log", "scrapy.crawler"):
            logger = logging.getLogger(name)
            if _QUIET not in logger.filters:
                logger.addFilter(_QUIET)
    process = CrawlerProcess({**scrapy_settings(settings, clock, engine), "LOG_INSTALL_ROOT_HANDLER": False})
    if settings.log_level != "DEBUG":
        logging.getLogger("scrapy").setLevel(logging.WARNING)
    planned: list[_Planned] = []
    for source in sources:
        source_id = ensure_source(factory, source)
        state = load_state(factory, source_id, source)
        run_id = start_run(factory, source_id, clock.now())
        base = spider_class(source.family)
        custom = {**source_settings(source, _state_key(state), bool(settings.crawl.redis_url)),
                  "ZHENGYU_SOURCE_ID": source_id}
        spidercls = type(f"{base.__name__}_{source.name}", (base,), {"name": source.name, "custom_settings": custom})
        crawler = process.create_crawler(spidercls)
        process.crawl(crawler, source=source, state=state, since=since, until=until, clock=clock)
        planned.append(_Planned(source, source_id, run_id, crawler))
    process.start(install_signal_handlers=install_signal_handlers)
    outcomes = []
    for plan in planned:
        stats = plan.crawler.stats.get_stats() if plan.crawler.stats else {}
        ok, error = judge(stats)
        max_pub = stats.get("zhengyu/max_published_at")
        outcomes.append(finish_run(
            factory, plan.source_id, plan.run_id, ok=ok, error=error,
            items_new=int(stats.get("zhengyu/items_new", 0)), items_updated=int(stats.get("zhengyu/items_updated", 0)),
            items_dropped=int(stats.get("item_dropped_count", 0)) - int(stats.get("zhengyu/duplicates", 0)),
            max_published_at=datetime.fromisoformat(max_pub) if max_pub else None, now=clock.now(),
            failure_alert_after=settings.crawl.failure_alert_after))
    return outcomes


def judge(stats: dict[str, Any]) -> tuple[bool, str | None]:
    """A run failed when it got no usable response, did not finish normally, or could not store items."""
    reason = stats.get("finish_reason")
    if reason != "finished":
        return False, f"采集未正常结束（{reason or '未知原因'}）"
    if stats.get("zhengyu/store_errors"):
        return False, f"写入数据库失败 {stats['zhengyu/store_errors']} 次"
    ok_responses = sum(v for k, v in stats.items() if k.startswith("downloader/response_status_count/2"))
    robots = stats.get("robotstxt/response_count", 0)
    if ok_responses - robots <= 0:
        failures = stats.get("downloader/exception_count", 0)
        codes = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                 if k.startswith("downloader/response_status_count/") and not k.endswith(("/200", "/201"))}
        detail = f"连接失败 {failures} 次" if failures else ""
        if codes:
            detail += ("；" if detail else "") + "HTTP 状态 " + "、".join(f"{c}×{n}" for c, n in sorted(codes.items()))
        return False, "没有取得任何有效响应" + (f"（{detail}）" if detail else "")
    return True, None
