"""Faults the sample site can be told to show, for the fault-injection tests and for trying health out by hand.

One mode at a time per site (start several sites on one stream for several faults at once), switched in process
(``site.app.faults.set("login")``) or over HTTP (``GET /_control/fault?mode=login[&count=N]``,
``GET /_control/fault?mode=off``). ``count`` limits the fault to the next N requests. robots.txt is never
affected. The modes:

=============  =====================================================================================
``http500``    every answer is HTTP 500
``timeout``    the answer comes after ``delay_s`` seconds (longer than the crawler's timeout)
``truncated``  the body is cut in half in transit: the connection closes before Content-Length is reached
``charset``    HTML and JSON are sent as GB18030 while the header says UTF-8
``huge``       a 50 MB page
``binary``     random bytes as application/octet-stream
``login``      a login wall: HTML pages redirect to a login form, the Weibo API answers ``ok: -100``
``captcha``    a "安全验证" slider page with HTTP 200
``ratelimit``  HTTP 429 with "访问过于频繁"
``redesign``   lists that hold no entries any more (new markup, no cards)
=============  =====================================================================================
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

MODES = ("http500", "timeout", "truncated", "charset", "huge", "binary", "login", "captcha", "ratelimit",
         "redesign")
HUGE_BYTES = 50 * 1024 * 1024
LOGIN_PATH = "/passport/login"

LOGIN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>用户登录</title></head><body>
<div class="login-box"><h2>账号登录</h2><form action="/passport/login" method="post">
<input type="text" name="username" placeholder="手机号/邮箱"><input type="password" name="password">
<button type="submit">登录</button></form><p>登录后查看更多内容</p></div></body></html>"""
CAPTCHA_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title></head><body>
<div class="verify"><p>请完成安全验证后继续访问</p><div class="slider">拖动滑块完成拼图</div></div></body></html>"""
RATE_LIMIT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示</title></head><body>
<p>您的访问过于频繁，请稍后再试。</p></body></html>"""
REDESIGNED_LIST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>新版首页</title></head><body>
<div id="app" data-v-5f2a><div class="feed-skeleton"></div></div>
<script>window.__INITIAL_STATE__={"list":[]}</script></body></html>"""


@dataclass
class FaultState:
    mode: str | None = None
    remaining: int | None = None  # None: until switched off
    delay_s: float = 3.0


class Faults:
    """The fault a site shows now; thread-safe, as the server answers requests in threads."""

    def __init__(self) -> None:
        self._state = FaultState()
        self._lock = threading.Lock()
        self.served: dict[str, int] = {}

    def set(self, mode: str | None, count: int | None = None, delay_s: float = 3.0) -> None:
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; known: {', '.join(MODES)}")
        with self._lock:
            self._state = FaultState(mode, count, delay_s)

    def clear(self) -> None:
        self.set(None)

    def take(self, path: str) -> FaultState | None:
        """The fault to apply to one request (consuming one of ``count``), or None."""
        if path == "/robots.txt" or path.startswith("/_control/"):
            return None
        with self._lock:
            state = self._state
            if state.mode is None:
                return None
            if state.remaining is not None:
                if state.remaining <= 0:
                    return None
                state.remaining -= 1
            self.served[state.mode] = self.served.get(state.mode, 0) + 1
            return FaultState(state.mode, None, state.delay_s)


def random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)
