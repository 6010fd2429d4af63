"""A local sample site serving every source family from generated, evolving Chinese content.

``start_sample_site(port=0, seed=..., posts_per_minute=..., clock=...)`` starts it in a background thread and
returns a handle with ``.url`` and ``.stop()``; ``python -m crawlers.sample_site --port P`` runs it as a process.
The demo and the tests crawl it; nothing here touches the internet.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from zhengyu.clock import Clock, SystemClock

log = logging.getLogger(__name__)

DEFAULT_SEED = 20260101


@dataclass
class SampleSiteHandle:
    """A running sample site: its base URL, its content stream (ground truth for tests) and a stop switch."""

    url: str
    port: int
    stream: object
    app: object
    _server: object
    _thread: threading.Thread

    @property
    def requests(self):
        """Every request path served so far (newest last)."""
        return self.app.requests

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> "SampleSiteHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_sample_site(port: int = 0, seed: int = DEFAULT_SEED, posts_per_minute: float = 20.0,
                      clock: Clock | None = None, start: datetime | None = None, host: str = "127.0.0.1",
                      backlog_posts: int = 40, incidents: list[tuple[datetime, float]] | None = None,
                      flaky: bool = True, stream=None) -> SampleSiteHandle:
    """Start the sample site in a daemon thread.

    ``start`` anchors the stream (default: the clock's now); ``backlog_posts`` posts already exist then.
    ``incidents`` is a list of (start, minutes) bursts of angry posts; by default one started 6 minutes before and
    then every 30 minutes. ``flaky`` makes a few URLs answer 503 once (Scrapy's retry recovers). ``stream``
    serves an existing site's content (several sites on one stream, each with its own faults: ``.app.faults``).
    """
    from crawlers.sample_site.server import SampleSiteApp, SampleSiteServer, make_handler
    from crawlers.sample_site.stream import SampleStream

    clock = clock or SystemClock()
    if stream is None:
        stream = SampleStream(seed=seed, start=start or clock.now(), posts_per_minute=posts_per_minute,
                              backlog_posts=backlog_posts, incidents=incidents)
    app = SampleSiteApp(stream, clock, flaky=flaky)
    server = SampleSiteServer((host, port), make_handler(app))
    actual_port = server.server_address[1]
    app.base_url = f"http://{host}:{actual_port}"
    thread = threading.Thread(target=server.serve_forever, name=f"sample-site-{actual_port}", daemon=True)
    thread.start()
    log.info("sample site listening on http://%s:%d (seed %d, %.1f posts/min)", host, actual_port, seed,
             posts_per_minute)
    return SampleSiteHandle(f"http://{host}:{actual_port}", actual_port, stream, app, server, thread)
