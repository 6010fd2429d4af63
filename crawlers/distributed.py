"""Distributed crawling with scrapy-redis: keep a crawler alive while its peers still work on the shared queue.

scrapy-redis shares the request queue and the dupefilter, but a crawler whose queue looks empty closes at once,
even though a peer is about to push the next pages. Each crawler therefore registers itself in a Redis set of
*busy* workers while it has work, and on idle it only closes when the shared queue is empty and no peer is busy.
"""

from __future__ import annotations

import logging
import os
import socket

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

log = logging.getLogger(__name__)
KEY_TTL_S = 24 * 3600


class SharedQueueKeepAlive:
    def __init__(self, crawler, server, busy_key: str) -> None:
        self.crawler = crawler
        self.server = server
        self.busy_key = busy_key
        self.token = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
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

        return cls(crawler, from_settings(crawler.settings), queue_key.rsplit(":", 1)[0] + ":busy")

    def opened(self, spider) -> None:
        self.busy()

    def busy(self, *args, **kwargs) -> None:
        self.server.sadd(self.busy_key, self.token)
        self.server.expire(self.busy_key, KEY_TTL_S)

    def idle(self, spider) -> None:
        self.server.srem(self.busy_key, self.token)
        if self.server.scard(self.busy_key) > 0:
            raise DontCloseSpider("peers are still working on the shared queue")

    def closed(self, spider) -> None:
        self.server.srem(self.busy_key, self.token)
        # The keys belong to one run's state; let them lapse rather than linger in Redis.
        for suffix in ("requests", "dupefilter"):
            self.server.expire(self.busy_key.rsplit(":", 1)[0] + ":" + suffix, KEY_TTL_S)
