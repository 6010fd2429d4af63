"""How hard a source may hit its site: the throttle profile bounded by the global limits and robots.txt.

Precedence (documented in docs/collection.md), for every source:

* the source's throttle profile (``polite`` by default) sets concurrency, delay and AutoThrottle;
* the global limits are bounds no profile crosses: ``crawl.download_delay_s`` is a minimum delay,
  ``crawl.concurrent_requests_per_domain`` a maximum concurrency, ``crawl.autothrottle: true`` forces
  AutoThrottle on (none of them can make a crawl faster than its profile);
* a site's robots.txt ``Crawl-delay`` raises the delay further, for that host, as soon as it is read;
* the ``local`` and ``fast`` profiles, and any delay under ``REMOTE_MIN_DELAY_S``, are refused unless the source's
  host is on ``crawl.local_hosts`` (the bundled sample site on localhost).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy import signals

from crawlers.sources import SourceConfig, ThrottleProfile
from zhengyu.errors import ConfigError

log = logging.getLogger(__name__)

LOCAL_ONLY_PROFILES = ("local", "fast")
REMOTE_MIN_DELAY_S = 1.0


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def effective_throttle(source: SourceConfig, crawl) -> ThrottleProfile:
    """The profile a source actually runs with, after the global bounds; ConfigError when it is not allowed."""
    profile = source.throttle_profile
    host = host_of(source.base_url)
    if host not in {h.lower() for h in crawl.local_hosts}:
        named = source.throttle if isinstance(source.throttle, str) else None
        if named in LOCAL_ONLY_PROFILES:
            raise ConfigError(f"采集源 {source.name}：限速档位 {named} 只能用于本机样例站点（crawl.local_hosts："
                              f"{'、'.join(crawl.local_hosts)}），{host or source.base_url} 请使用 polite 或 gentle")
        if profile.delay_s < REMOTE_MIN_DELAY_S:
            raise ConfigError(f"采集源 {source.name}：对外部站点 {host} 的请求间隔不能低于 {REMOTE_MIN_DELAY_S:g} 秒"
                              f"（当前 {profile.delay_s:g} 秒）")
    delay = max(profile.delay_s, crawl.download_delay_s or 0.0)
    concurrency = profile.concurrency
    if crawl.concurrent_requests_per_domain is not None:
        concurrency = min(concurrency, crawl.concurrent_requests_per_domain)
    autothrottle = profile.autothrottle or crawl.autothrottle is True
    return ThrottleProfile(concurrency=concurrency, delay_s=delay, autothrottle=autothrottle)


@dataclass
class _HostDelay:
    crawl_delay: float


class CrawlDelay:
    """Honour robots.txt ``Crawl-delay`` (Scrapy reads robots.txt but ignores the delay).

    When a host's robots.txt is parsed, its downloader slot's delay is raised to the Crawl-delay; after every
    response (AutoThrottle may have lowered it) the floor is applied again. The extension is loaded after
    AutoThrottle, so its handler runs after AutoThrottle's."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("USER_AGENT") or "*"
        self.delays: dict[str, _HostDelay] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def robots_parsed(self, robotparser, request, **_kwargs) -> None:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except (AttributeError, TypeError, ValueError):
            return
        if not delay or delay <= 0:
            return
        host = host_of(request.url)
        self.delays[host] = _HostDelay(float(delay))
        self.crawler.stats.set_value("zhengyu/robots_crawl_delay", float(delay))
        log.info("robots.txt of %s asks for Crawl-delay %.1f s", host, delay)
        self._apply(host)

    def response_downloaded(self, response, request, **_kwargs) -> None:
        host = host_of(request.url)
        if host in self.delays:
            self._apply(host)

    def _apply(self, host: str) -> None:
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None) if engine else None
        if downloader is None:
            return
        floor = self.delays[host].crawl_delay
        for key, slot in downloader.slots.items():
            if key.lower() == host and slot.delay < floor:
                slot.delay = floor
