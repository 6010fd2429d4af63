"""The sample site's HTTP server: a threaded stdlib server routing to the per-family renderers."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

from crawlers.sample_site import weibo
from crawlers.sample_site.faults import (CAPTCHA_PAGE, HUGE_BYTES, LOGIN_PAGE, LOGIN_PATH, RATE_LIMIT_PAGE,
                                         REDESIGNED_LIST, Faults, random_bytes)
from crawlers.sample_site.query import query_params
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
    delay_s: float = 0.0  # wait this long before answering (the timeout fault)
    truncate: bool = False  # close the connection halfway through the body (the truncated fault)


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
        self.request_times: deque[tuple[float, str]] = deque(maxlen=200_000)  # (monotonic time, path)
        self.user_agents: set[str] = set()
        self.faults = Faults()
        self.crawl_delay_s = 0.0  # robots.txt Crawl-delay
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
        self.request_times.append((time.monotonic(), raw_path))
        if user_agent:
            self.user_agents.add(user_agent)
        parts = urlsplit(raw_path)
        path, query = parts.path, parts.query
        if path == "/robots.txt":
            robots = ROBOTS_TXT.replace("Crawl-delay: 0", f"Crawl-delay: {self.crawl_delay_s:g}")
            return Response(200, robots.encode(), "text/plain; charset=utf-8")
        if path == "/_control/fault":
            return self._control(query)
        if path == LOGIN_PATH:
            return Response(200, LOGIN_PAGE.encode(), "text/html; charset=utf-8")
        fault = self.faults.take(path)
        if fault is not None:
            return self._faulty(fault, raw_path, path, user_agent)
        return self._answer(raw_path, path, query)

    def _control(self, query: str) -> Response:
        params = query_params(query)
        mode = params.get("mode")
        try:
            self.faults.set(None if mode in (None, "", "off") else mode,
                            int(params["count"]) if params.get("count") else None,
                            float(params.get("delay_s") or 3.0))
        except ValueError as exc:
            return json_response({"ok": 0, "msg": str(exc)}, 400)
        return json_response({"ok": 1, "mode": mode or "off"})

    def _faulty(self, fault, raw_path: str, path: str, user_agent: str | None) -> Response:
        mode = fault.mode
        if mode == "http500":
            return Response(500, "<html><body>500 服务器内部错误</body></html>".encode(), "text/html; charset=utf-8")
        if mode == "ratelimit":
            return Response(429, RATE_LIMIT_PAGE.encode(), "text/html; charset=utf-8")
        if mode == "captcha":
            return Response(200, CAPTCHA_PAGE.encode(), "text/html; charset=utf-8")
        if mode == "binary":
            return Response(200, random_bytes(64 * 1024), "application/octet-stream")
        if mode == "huge":
            return Response(200, b"<html><body>" + b"x" * HUGE_BYTES + b"</body></html>", "text/html; charset=utf-8")
        if mode == "login":
            if path.startswith("/api/"):
                return json_response({"ok": -100, "url": "https://passport.example.cn/signin/welcome"})
            return Response(302, b"", "text/html; charset=utf-8", {"Location": f"{LOGIN_PATH}?from={path}"})
        if mode == "redesign":
            if path == "/api/container/getIndex":
                return json_response({"ok": 1, "data": {"cardlistInfo": {"page": None}, "cards": []}})
            if not path.startswith("/api/"):
                return Response(200, REDESIGNED_LIST.encode(), "text/html; charset=utf-8")
        answer = self._answer(raw_path, path, urlsplit(raw_path).query)
        if mode == "timeout":
            answer.delay_s = fault.delay_s
        elif mode == "truncated":
            answer.truncate = True
        elif mode == "charset" and "utf-8" in (answer.content_type or "").lower():
            answer.body = answer.body.decode("utf-8", errors="replace").encode("gb18030", errors="replace")
        return answer

    def _answer(self, raw_path: str, path: str, query: str) -> Response:
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
            if response.delay_s:
                time.sleep(response.delay_s)
            try:
                self.send_response(response.status)
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                if response.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if response.truncate:
                    self.wfile.write(response.body[: len(response.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                # The crawler hung up (e.g. it cancels a page larger than its download limit).
                self.close_connection = True

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
            log.debug("sample site: " + format, *args)

    return Handler


class SampleSiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
