"""What every family's spider shares: its source, the incremental state, the time window and the clock."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import scrapy

from crawlers.sources import SourceConfig
from crawlers.spiders.html import looks_truncated, refetch

log = logging.getLogger(__name__)


@dataclass
class CrawlState:
    """What the store already knows, read by the runner before the crawl (spiders never touch the database).

    ``high_water`` is the newest publish time of a successful earlier run; ``children`` maps a known
    thread's external id to the number of comments/replies stored under it (every thread inside the revisit
    window is present, with 0 when it has none), so a thread is only re-fetched when the site shows more;
    ``known_urls`` is the same keyed by the thread's URL, for pages whose id is not visible before fetching.
    """

    high_water: datetime | None = None
    children: dict[str, int] = field(default_factory=dict)
    known_urls: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)  # message-board handling status, by id and URL
    reposts: dict[str, int] = field(default_factory=dict)  # stored reposts under a known post


class SourceSpider(scrapy.Spider):
    """Base of the family spiders. ``source`` (a SourceConfig) is passed as a spider argument."""

    family = ""

    def __init__(self, source: SourceConfig, state: CrawlState | None = None, since: datetime | None = None,
                 until: datetime | None = None, clock=None, **kwargs) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.state = state or CrawlState()
        self.since = since
        self.until = until
        if clock is None:
            from zhengyu.clock import SystemClock

            clock = SystemClock()
        self.clock = clock
        self.floor = self._floor()

    async def start(self):
        # Scrapy calls start(); each family builds its first requests in start_requests().
        for request in self.start_requests():
            yield request

    def refetch_if_truncated(self, response, text: str, what: str) -> scrapy.Request | None:
        """A second request for a page cut off in transit, or None when the page is whole or stays truncated."""
        if not looks_truncated(text):
            return None
        again = refetch(response)
        if again is not None:
            self.crawler.stats.inc_value("zhengyu/refetched_truncated")
            return again
        self.logger.warning("%s %s stays truncated; keeping what it shows", what, response.url)
        return None

    def json_of(self, response) -> dict | None:
        """A JSON object response as a dict; None (logged and counted as a parse error) for anything else.

        Hostile or broken answers are expected: invalid JSON, a list or a string instead of an object, and
        nesting deep enough to exhaust the parser's recursion limit all end here, never in an exception.
        """
        try:
            data = json.loads(response.text)
        except (ValueError, AttributeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
            self.logger.error("malformed JSON from %s: %s", response.url, reason)
            self.crawler.stats.inc_value("zhengyu/malformed_responses")
            return None
        if not isinstance(data, dict):
            self.logger.error("JSON from %s is a %s, not an object", response.url, type(data).__name__)
            self.crawler.stats.inc_value("zhengyu/malformed_responses")
            return None
        return data

    def _floor(self) -> datetime | None:
        """Items older than this end a list walk: the high-water mark minus the revisit window, or --since."""
        floor = None
        if self.state.high_water is not None:
            floor = self.state.high_water - timedelta(hours=self.source.revisit_hours)
        if self.since is not None and (floor is None or self.since > floor):
            floor = self.since
        return floor

    def in_window(self, published_at: datetime | None) -> bool:
        if published_at is None:
            return True
        if self.since is not None and published_at < self.since:
            return False
        if self.until is not None and published_at >= self.until:
            return False
        return True

    def below_floor(self, published_at: datetime | None) -> bool:
        return published_at is not None and self.floor is not None and published_at < self.floor

    def needs_children(self, external_id: str, shown_count: int) -> bool:
        """Fetch a thread's comments only when the site shows more than the store holds."""
        return shown_count > self.state.children.get(external_id, 0)
