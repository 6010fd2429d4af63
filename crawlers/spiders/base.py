"""What every family's spider shares: its source, the incremental state, the time window and the clock."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import scrapy

from crawlers import stats as keys
from crawlers.encoding import decode_report
from crawlers.sources import SourceConfig
from crawlers.spiders.html import looks_truncated, refetch
from crawlers.walks import COMPLETE, STATS_KEY, STOPPED, Gap, ListWalk, list_key, walk_result

log = logging.getLogger(__name__)


@dataclass
class CrawlState:
    """What the store already knows, read by the runner before the crawl (spiders never touch the database).

    ``high_water`` is the newest publish time of a successful earlier run; ``children`` maps a known
    thread's external id to the number of comments/replies stored under it (every thread inside the revisit
    window is present, with 0 when it has none), so a thread is only re-fetched when the site shows more;
    ``known_urls`` is the same keyed by the thread's URL, for pages whose id is not visible before fetching.
    ``gaps`` are the unwalked parts of each list left by earlier runs (see :mod:`crawlers.walks`).
    """

    high_water: datetime | None = None
    children: dict[str, int] = field(default_factory=dict)
    known_urls: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)  # message-board handling status, by id and URL
    reposts: dict[str, int] = field(default_factory=dict)  # stored reposts under a known post
    gaps: dict[str, list[Gap]] = field(default_factory=dict)


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

    # -- list walks ------------------------------------------------------------------------------------
    def start_walks(self, key: str, url: str, request_for: Callable[[str, ListWalk], scrapy.Request]):
        """The walk from the top of one list, then one resumed walk per gap an earlier run left in it."""
        key = list_key(key)
        yield request_for(url, ListWalk(key, self.floor))
        for gap in self.state.gaps.get(key, []):
            # The top walk may fetch the same page: the resumed walk must not be taken for a duplicate.
            yield request_for(gap.resume, ListWalk(key, gap.floor, 1, gap.ident)).replace(dont_filter=True)

    def list_page(self, walk: ListWalk, entries: int) -> None:
        """Count one parsed list page and the entries it showed (a redesign shows up as pages without entries)."""
        self.crawler.stats.inc_value(keys.LIST_PAGES)
        self.crawler.stats.inc_value(keys.LIST_ENTRIES, entries)

    def follow_list(self, walk: ListWalk, response, has_more: bool,
                    request_for: Callable[[ListWalk], scrapy.Request]) -> scrapy.Request | None:
        """After a list page: the next page's request, or the end of the walk recorded.

        A walk that stops at ``max_pages`` with more to go leaves a gap starting at this page."""
        if not has_more:
            self._record_walk(walk_result(walk, COMPLETE))
            return None
        if walk.page >= self.source.max_pages:
            self.logger.warning("list %s stopped at max_pages=%d; the rest is resumed next run", walk.key,
                                self.source.max_pages)
            self._record_walk(walk_result(walk, STOPPED, resume=response.url, reason="max_pages"))
            return None
        return request_for(walk.next_page())

    def list_failed(self, failure) -> None:
        """Errback of list requests: the walk stops at the page that could not be read, leaving a gap there."""
        request = failure.request
        walk = request.cb_kwargs.get("walk")
        if isinstance(walk, ListWalk):
            self.logger.warning("list page %s failed (%s); the walk is resumed from it next run", request.url,
                                failure.getErrorMessage()[:200])
            self._record_walk(walk_result(walk, STOPPED, resume=request.url, reason="failed"))

    def _record_walk(self, result: dict) -> None:
        results = self.crawler.stats.get_value(STATS_KEY)
        if results is None:
            results = {}
            self.crawler.stats.set_value(STATS_KEY, results)
        results[f"{result['key']}#{result['gap'] or 'top'}"] = result

    # -- pages -----------------------------------------------------------------------------------------
    def page_text(self, response) -> str:
        """The page decoded by detection; a declared charset that the bytes contradict is counted."""
        text, used, declared = decode_report(response.body, response.headers.get("Content-Type"))
        if declared and used != declared:
            self.crawler.stats.inc_value(keys.CHARSET_MISMATCH)
            self.logger.debug("%s declares %s but is %s", response.url, declared, used)
        return text

    @staticmethod
    def link(response, href: str | None) -> str | None:
        """An absolute http(s) URL for a link found on a page; None for javascript:, mailto:, broken hosts."""
        if not href or not href.strip():
            return None
        try:
            url = response.urljoin(href.strip())
        except ValueError:  # e.g. "http://[::1" — not a URL at all
            return None
        return url if url.startswith(("http://", "https://")) else None

    def parse_error(self, response, what: str) -> None:
        """A page of the expected kind that could not be read (count it: health judges the share)."""
        self.crawler.stats.inc_value(keys.PARSE_ERRORS)
        self.logger.warning("no %s found on %s", what, response.url)

    def refetch_if_truncated(self, response, text: str, what: str) -> scrapy.Request | None:
        """A second request for a page cut off in transit, or None when the page is whole or stays truncated."""
        if not looks_truncated(text):
            return None
        again = refetch(response)
        if again is not None:
            self.crawler.stats.inc_value(keys.REFETCHED_TRUNCATED)
            return again
        self.crawler.stats.inc_value(keys.TRUNCATED_KEPT)
        self.logger.warning("%s %s stays truncated; keeping what it shows", what, response.url)
        return None

    def json_of(self, response) -> dict | None:
        """A JSON object response as a dict; None (logged and counted as a parse error) for anything else.

        Hostile or broken answers are expected: invalid JSON, a list or a string instead of an object, and
        nesting deep enough to exhaust the parser's recursion limit all end here, never in an exception.
        """
        try:
            # Decoded by detection like HTML: Chinese APIs serve GBK JSON under a UTF-8 header too.
            data = json.loads(self.page_text(response))
        except (ValueError, AttributeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
            self.logger.error("malformed JSON from %s: %s", response.url, reason)
            self.crawler.stats.inc_value(keys.PARSE_ERRORS)
            return None
        if not isinstance(data, dict):
            self.logger.error("JSON from %s is a %s, not an object", response.url, type(data).__name__)
            self.crawler.stats.inc_value(keys.PARSE_ERRORS)
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

    def needs_children(self, external_id: str, shown_count: int) -> bool:
        """Fetch a thread's comments only when the site shows more than the store holds."""
        return shown_count > self.state.children.get(external_id, 0)
