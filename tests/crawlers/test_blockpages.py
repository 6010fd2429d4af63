"""Login walls, CAPTCHAs, rate-limit and block pages are recognised, and no saved real page is mistaken for one
(measured on every page in ../shared/data/pages: news, government, forum and platform pages, many of which
carry a "登录" link and a hidden login form)."""

from __future__ import annotations

import pytest

from crawlers.blockpages import (BINARY, CAPTCHA, FORBIDDEN, LOGIN, RATE_LIMITED, classify_page,
                                 classify_response)
from crawlers.sample_site.faults import CAPTCHA_PAGE, LOGIN_PAGE, RATE_LIMIT_PAGE

REAL_SUFFIXES = {".html", ".htm", ".json", ".js"}


def test_no_saved_real_page_is_taken_for_a_block_page(shared_data):
    pages = [p for p in (shared_data / "pages").rglob("*") if p.is_file() and p.suffix in REAL_SUFFIXES]
    assert len(pages) >= 50
    flagged = {}
    for path in pages:
        ctype = "application/json" if path.suffix == ".json" else "text/html"
        kind = classify_response(200, f"https://www.example.cn/{path.name}", ctype, path.read_bytes())
        if kind:
            flagged[path.name] = kind
    assert flagged == {}
    # Many of them do show the words a naive check would trip on.
    with_login_word = [p for p in pages if "登录".encode() in p.read_bytes()]
    assert len(with_login_word) >= 20


@pytest.mark.parametrize("markup, kind", [
    (LOGIN_PAGE, LOGIN), (CAPTCHA_PAGE, CAPTCHA), (RATE_LIMIT_PAGE, RATE_LIMITED),
    ("<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><hr>nginx</body></html>",
     FORBIDDEN),
    ("<html><head><title>百度安全验证</title></head><body><div>网络不给力，请稍后重试</div></body></html>", CAPTCHA),
    ("<html><body><p>请登录后查看完整内容</p><a href='/login'>登录</a></body></html>", LOGIN),
    ("<html><body><p>访问受限：您的IP存在异常访问行为</p></body></html>", FORBIDDEN),
])
def test_block_pages_are_recognised(markup, kind):
    assert classify_page("https://www.example.cn/news/1.html", markup) == kind
    assert classify_response(200, "https://www.example.cn/news/1.html", "text/html; charset=utf-8",
                             markup.encode("utf-8")) == kind


def test_a_login_url_after_a_redirect_is_a_login_wall():
    short = "<html><body><form><input name=u><input type=password name=p></form></body></html>"
    assert classify_page("https://passport.example.cn/signin?r=%2Fnews", short) == LOGIN
    article = "<html><head><title>民警救起落水儿童</title></head><body>" + "<p>正文内容。</p>" * 400 + "</body></html>"
    assert classify_page("https://www.example.cn/login-help/1.html", article) is None


@pytest.mark.parametrize("status, kind", [(401, LOGIN), (403, FORBIDDEN), (429, RATE_LIMITED)])
def test_block_statuses(status, kind):
    assert classify_response(status, "https://x.cn/a", "text/html", b"") == kind


def test_binary_answers_and_ordinary_ones():
    assert classify_response(200, "https://x.cn/a", "application/octet-stream", b"\x89PNG....") == BINARY
    assert classify_response(200, "https://x.cn/a", "text/html", b"<html>\x00\x01\x02</html>") == BINARY
    assert classify_response(200, "https://x.cn/a", "application/json", b'{"ok": 1}') is None
    assert classify_response(500, "https://x.cn/a", "text/html", b"error") is None
    utf16 = "<html><body>正常页面</body></html>".encode("utf-16")
    assert classify_response(200, "https://x.cn/a", "text/html", utf16) != BINARY
