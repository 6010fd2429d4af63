"""Run sources: one Scrapy ``CrawlerProcess`` per call, with health bookkeeping around it.

Scrapy's reactor cannot be restarted in one process, so callers that crawl repeatedly (the demo, the
scheduler) run each round in a fresh process (``zhengyu crawl``); :func:`run_sources` is that round.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import OperationalError

from crawlers import stats as keys
from crawlers.context import RunContext
from crawlers.distributed import distributed_extensions, distributed_settings
from crawlers.health import RunCounts, RunOutcome, ensure_source, finish_run, run_history, start_run
from crawlers.judge import judge
from crawlers.pipelines import ITEM_PIPELINES
from crawlers.politeness import REMOTE_MIN_DELAY_S, effective_throttle
from crawlers.sources import SourceConfig, ThrottleProfile
from crawlers.spiders import spider_class
from crawlers.state import load_state
from crawlers.walks import STATS_KEY
from storage.engine import make_engine, make_session_factory

log = logging.getLogger(__name__)


class _WarningsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_QUIET = _WarningsOnly()


def scrapy_settings(settings, clock, engine=None) -> dict[str, Any]:
    """Scrapy settings from Zhengyu's settings: polite defaults, honest UA, bounded downloads, our pipelines."""
    crawl = settings.crawl
    values: dict[str, Any] = {
        "BOT_NAME": "zhengyu",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain or 1,
        "DOWNLOAD_DELAY": max(crawl.download_delay_s or 0.0, REMOTE_MIN_DELAY_S),
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle is not False,
        # The delay is a minimum between two requests to a site, not an average (Scrapy's default jitter
        # would go down to half of it).
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "DOWNLOAD_TIMEOUT": crawl.http_timeout_s,
        # Every parser downstream (lxml with huge_tree, JSON, the extractor) is bounded by these.
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": min(crawl.warn_response_bytes, crawl.max_response_bytes),
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING" if settings.log_level in ("WARNING", "ERROR") else "INFO",
        "ITEM_PIPELINES": ITEM_PIPELINES,
        # Nearest the engine: it sees final responses, after redirects and retries.
        "DOWNLOADER_MIDDLEWARES": {"crawlers.blockpages.BlockPageMiddleware": 540},
        # After AutoThrottle (order 0), so the robots.txt Crawl-delay floor is applied after its adjustments.
        "EXTENSIONS": {"crawlers.politeness.CrawlDelay": 10},
        "LOG_FORMATTER": "crawlers.logformatter.ZhengyuLogFormatter",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "ZHENGYU_CONTEXT": RunContext(settings, clock, engine),
    }
    if crawl.redis_url:
        values.update(distributed_settings(crawl))
        values["EXTENSIONS"] = {**values["EXTENSIONS"], **distributed_extensions()}
    return values


def source_settings(source: SourceConfig, profile: ThrottleProfile, state_key: str, distributed: bool
                    ) -> dict[str, Any]:
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
    gaps = sorted(g.ident for list_gaps in state.gaps.values() for g in list_gaps)
    raw = f"{state.high_water.isoformat() if state.high_water else '-'}:{sorted(state.children.items())}:{gaps}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def run_sources(settings, sources: list[SourceConfig], *, clock, since: datetime | None = None,
                until: datetime | None = None, engine=None, install_signal_handlers: bool = True
                ) -> list[RunOutcome]:
    """Crawl the given sources once, in this process, and record each source's run and health."""
    from scrapy.crawler import CrawlerProcess

    if not sources:
        return []
    profiles = {source.name: effective_throttle(source, settings.crawl) for source in sources}  # refuse first
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
    stale_after = timedelta(seconds=settings.scheduler.job_timeout_s)
    planned: list[_Planned] = []
    for source in sources:
        source_id = ensure_source(factory, source)
        state = load_state(factory, source_id, source)
        run_id = start_run(factory, source_id, clock.now(), stale_after=stale_after,
                           failure_alert_after=settings.crawl.failure_alert_after)
        base = spider_class(source.family)
        custom = {**source_settings(source, profiles[source.name], _state_key(state), bool(settings.crawl.redis_url)),
                  "ZHENGYU_SOURCE_ID": source_id}
        spidercls = type(f"{base.__name__}_{source.name}", (base,), {"name": source.name, "custom_settings": custom})
        crawler = process.create_crawler(spidercls)
        process.crawl(crawler, source=source, state=state, since=since, until=until, clock=clock)
        planned.append(_Planned(source, source_id, run_id, crawler))
    process.start(install_signal_handlers=install_signal_handlers)
    outcomes = []
    for plan in planned:
        stats = plan.crawler.stats.get_stats() if plan.crawler.stats else {}
        outcomes.append(_with_database_retries(
            lambda plan=plan, stats=stats: _close_run(factory, plan, stats, clock, settings),
            settings.crawl.database_retry_s, plan.source.name))
    return outcomes


def _close_run(factory, plan: _Planned, stats: dict[str, Any], clock, settings) -> RunOutcome:
    verdict = judge(stats, run_history(factory, plan.source_id), distributed=bool(settings.crawl.redis_url))
    max_pub = stats.get(keys.MAX_PUBLISHED_AT)
    items = [int(stats.get(k, 0)) for k in (keys.ITEMS_NEW, keys.ITEMS_UPDATED, keys.ITEMS_UNCHANGED)]
    counts = RunCounts(items_new=items[0], items_updated=items[1], items_seen=sum(items),
                       items_dropped=int(stats.get("item_dropped_count", 0)) - int(stats.get(keys.DUPLICATES, 0)),
                       list_pages=int(stats.get(keys.LIST_PAGES, 0)), list_entries=int(stats.get(keys.LIST_ENTRIES, 0)))
    return finish_run(factory, plan.source_id, plan.run_id, verdict=verdict, counts=counts,
                      max_published_at=datetime.fromisoformat(max_pub) if max_pub else None,
                      walk_results=dict(stats.get(STATS_KEY) or {}), now=clock.now(),
                      failure_alert_after=settings.crawl.failure_alert_after)


def _with_database_retries(call, patience_s: float, name: str):
    """Run ``call``, retrying while the database is unreachable for up to ``patience_s`` seconds.

    The verdict of a run is what tells the office a collection failed; losing it because the database was
    restarting when the crawl ended would hide exactly the failure it describes."""
    deadline = time.monotonic() + patience_s
    wait = 1.0
    while True:
        try:
            return call()
        except OperationalError as exc:
            if time.monotonic() + wait > deadline:
                raise
            log.warning("database unavailable while recording the run of %s (%s); retrying in %.0f s", name,
                        str(exc).splitlines()[0][:200], wait)
            time.sleep(wait)
            wait = min(wait * 2, 10.0)
