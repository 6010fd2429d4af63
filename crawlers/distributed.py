"""Distributed crawling with scrapy-redis: peers with heartbeats, and a queue that survives a Redis restart.

scrapy-redis shares the request queue and the dupefilter, but a crawler whose queue looks empty closes at once,
even though a peer is about to push the next pages. Each crawler therefore holds a *lease* in a Redis sorted set
of busy workers (score: when the lease ends, by Redis's own clock) and renews it every third of
``crawl.peer_lease_s`` while it works; on idle it only closes when no peer holds a live lease. A peer killed with
``kill -9`` stops renewing: its lease lapses within ``peer_lease_s``, the survivors close, and they record that a
peer was lost (the requests it had taken are gone, so the run does not advance the cursor).

:class:`ResilientRedisScheduler` keeps a crawl alive through a Redis restart: while Redis cannot be reached,
requests are queued in the process instead of being lost, errors are counted (``zhengyu/redis_errors``, which
fails the run so the next one fetches everything again), and an idle crawler waits up to ``peer_lease_s`` for
Redis to come back before it closes.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawlers import stats as keys

log = logging.getLogger(__name__)
KEY_TTL_S = 24 * 3600


def distributed_settings(crawl) -> dict:
    """The Scrapy settings of a crawl that shares its queue through ``crawl.redis_url``."""
    return {
        "SCHEDULER": "crawlers.distributed.ResilientRedisScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # a process finishing first must not wipe the queue its peers still use
        "REDIS_URL": crawl.redis_url,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 1,
        "ZHENGYU_PEER_LEASE_S": crawl.peer_lease_s,
        # A stopped Redis must fail a command in seconds, not hang the reactor.
        "REDIS_PARAMS": {"socket_timeout": 5, "socket_connect_timeout": 2, "retry_on_timeout": False},
    }


def distributed_extensions() -> dict[str, int]:
    return {"crawlers.distributed.SharedQueueKeepAlive": 500}


def _redis_failed(stats, what: str, exc: Exception) -> None:
    stats.inc_value(keys.REDIS_ERRORS)
    log.warning("Redis unavailable while %s: %s", what, str(exc).splitlines()[0][:200] if str(exc) else exc)


class ResilientRedisScheduler(Scheduler):
    """scrapy-redis's scheduler, with requests held in the process while Redis is unreachable."""

    def open(self, spider):
        self.held: deque = deque()
        return super().open(spider)

    def enqueue_request(self, request):
        try:
            return super().enqueue_request(request)
        except RedisError as exc:
            _redis_failed(self.stats, "queueing a request", exc)
            self.held.append(request)
            return True

    def next_request(self):
        if self.held:
            try:
                self._flush_held()
            except RedisError:
                return self.held.popleft()  # Redis still away: go on with what this process holds
        try:
            return super().next_request()
        except RedisError as exc:
            _redis_failed(self.stats, "taking the next request", exc)
            return self.held.popleft() if self.held else None

    def _flush_held(self) -> None:
        while self.held:
            self.queue.push(self.held[0])
            self.held.popleft()

    def has_pending_requests(self):
        if self.held:
            return True
        try:
            return super().has_pending_requests()
        except RedisError as exc:
            _redis_failed(self.stats, "counting the queue", exc)
            return False

    def __len__(self):
        try:
            return super().__len__() + len(self.held)
        except RedisError:
            return len(self.held)

    def close(self, reason):
        try:
            return super().close(reason)
        except RedisError as exc:
            _redis_failed(self.stats, "closing", exc)


class SharedQueueKeepAlive:
    """Keep a crawler open while a peer with a live lease still works on the shared queue."""

    def __init__(self, crawler, server, run_key: str, lease_s: float) -> None:
        self.crawler = crawler
        self.server = server
        self.workers_key = run_key + ":workers"
        self.run_key = run_key
        self.lease_s = lease_s
        self.token = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        self.working = False
        self.redis_down_since: float | None = None
        self.heartbeat = task.LoopingCall(self._renew)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.busy, signal=signals.response_received)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        queue_key = crawler.settings.get("SCHEDULER_QUEUE_KEY")
        if not crawler.settings.get("REDIS_URL") or not queue_key or "%(" in queue_key:
            raise NotConfigured("not running on a shared scrapy-redis queue")
        from scrapy_redis.connection import from_settings

        lease_s = crawler.settings.getfloat("ZHENGYU_PEER_LEASE_S", 15.0)
        return cls(crawler, from_settings(crawler.settings), queue_key.rsplit(":", 1)[0], lease_s)

    def _now(self) -> float:
        seconds, micros = self.server.time()  # one clock for every peer: Redis's
        return seconds + micros / 1e6

    def _renew(self) -> None:
        if not self.working:
            return
        try:
            self.server.zadd(self.workers_key, {self.token: self._now() + self.lease_s})
            self.server.expire(self.workers_key, KEY_TTL_S)
            self.redis_down_since = None
        except RedisError as exc:
            _redis_failed(self.crawler.stats, "renewing the lease", exc)

    def opened(self, spider) -> None:
        self.busy()
        self.heartbeat.start(self.lease_s / 3, now=False)

    def busy(self, *args, **kwargs) -> None:
        if not self.working:
            self.working = True
            self._renew()

    def idle(self, spider) -> None:
        self.working = False
        try:
            now = self._now()
            self.server.zrem(self.workers_key, self.token)
            lapsed = self.server.zrangebyscore(self.workers_key, "-inf", now)
            if lapsed:
                self.server.zrem(self.workers_key, *lapsed)
                self.crawler.stats.inc_value(keys.PEERS_LOST, len(lapsed))
                log.warning("%d crawler peer(s) stopped renewing their lease: %s", len(lapsed),
                            ", ".join(t.decode() if isinstance(t, bytes) else str(t) for t in lapsed))
            alive = self.server.zcard(self.workers_key)
            self.redis_down_since = None
        except RedisError as exc:
            _redis_failed(self.crawler.stats, "checking on peers", exc)
            self.redis_down_since = self.redis_down_since or time.monotonic()
            if time.monotonic() - self.redis_down_since < self.lease_s:
                raise DontCloseSpider("Redis is unreachable; waiting for it to come back") from exc
            log.error("Redis unreachable for %.0f s; closing this crawler", self.lease_s)
            return
        if alive > 0:
            raise DontCloseSpider("peers are still working on the shared queue")

    def closed(self, spider) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        try:
            self.server.zrem(self.workers_key, self.token)
            # The keys belong to one run's state; let them lapse rather than linger in Redis.
            for suffix in ("requests", "dupefilter"):
                self.server.expire(f"{self.run_key}:{suffix}", KEY_TTL_S)
        except RedisError as exc:
            _redis_failed(self.crawler.stats, "closing", exc)
