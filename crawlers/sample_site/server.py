"""The sample site's HTTP server: a threaded stdlib server routing to the per-family renderers."""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

from crawlers.sample_site import weibo
from crawlers.sample_site.stream import SampleStream

log = logging.getLogger(__name__)

ROBOTS_TXT = """User-agent: *
Disallow: /private/
Disallow: /forum/admin
Crawl-delay: 0
"""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(data: dict, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


class SampleSiteApp:
    """Routing plus the request log tests use (e.g. to prove robots.txt was obeyed)."""

    def __init__(self, stream: SampleStream, clock, flaky: bool = True) -> None:
        self.stream = stream
        self.clock = clock
        self.flaky = flaky
        self.base_url = ""  # set once the server is bound; feeds need absolute links
        self.requests: deque[str] = deque(maxlen=200_000)
        self.user_agents: set[str] = set()
        self._seen_flaky: set[str] = set()
        self._lock = threading.Lock()
        self.routes: dict[str, Callable[[SampleStream, str, datetime], object]] = dict(weibo.ROUTES)
        self._extra: list[Callable[[str, str, datetime], Response | None]] = []
        self._register_families()

    def _register_families(self) -> None:
        # The other families plug in as handlers (path, query, now) -> Response | None.
        from crawlers.sample_site import families

        self._extra.extend(families.handlers(self.stream, base_url=lambda: self.base_url))

    def _flaky_hit(self, path_qs: str) -> bool:
        """About one request URL in 23 fails once with 503 (the retry succeeds), as real sites do."""
        if not self.flaky or zlib.crc32(path_qs.encode()) % 23 != 5:
            return False
        with self._lock:
            if path_qs in self._seen_flaky:
                return False
            self._seen_flaky.add(path_qs)
            return True

    def handle(self, raw_path: str, user_agent: str | None = None) -> Response:
        self.requests.append(raw_path)
        if user_agent:
            self.user_agents.add(user_agent)
        parts = urlsplit(raw_path)
        path, query = parts.path, parts.query
        if path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        if path.startswith("/private/"):
            return Response(200, "<html><body>不应被采集的页面</body></html>".encode(), "text/html; charset=utf-8")
        if self._flaky_hit(raw_path):
            return Response(503, b"Service Unavailable", "text/plain")
        now = self.clock.now()
        route = self.routes.get(path)
        if route is not None:
            result = route(self.stream, query, now)
            return result if isinstance(result, Response) else json_response(result)
        for handler in self._extra:
            response = handler(path, query, now)
            if response is not None:
                return response
        return Response(404, "<html><body>404 页面不存在</body></html>".encode(), "text/html; charset=utf-8")


def make_handler(app: SampleSiteApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (stdlib name)
            try:
                response = app.handle(self.path, self.headers.get("User-Agent"))
            except Exception:  # a bug in a renderer must not kill the server thread
                log.exception("sample site failed on %s", self.path)
                response = Response(500, b"Internal Server Error", "text/plain")
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
            log.debug("sample site: " + format, *args)

    return Handler


class SampleSiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
