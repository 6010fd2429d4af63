"""WeChat official-account article pages (mp.weixin.qq.com): title, account name, author, publish time, body.

What the page carries, as served (the structure of saved pages: GeneralNewsExtractor tests/wechat/*.html, RSSHub
lib/utils/wechat-mp.ts and its tests, and saved 2016–2023 article pages in public repositories):

* the headline in ``#activity-name`` (``h2.rich_media_title`` until about 2018, ``h1`` since), and in ``og:title``;
* the account in ``#js_name`` (``#post-user`` on old pages, ``.wx_follow_nickname`` on new ones, the hidden
  ``.profile_nickname`` card) and in the script variable ``nickname`` (``"…"`` or ``htmlDecode("…")``);
* the author, when one is credited, in ``<meta name="author">`` and as a plain ``.rich_media_meta_text`` entry of
  the meta line (beside the "原创" badge);
* the publish time only in script variables: ``var ct = "1581555180"`` (Unix seconds; ``create_time`` on newer
  pages) and ``var publish_time = "2020-02-13" || ""`` (the day readers see). The visible ``<em id="publish_time">``
  is empty until the page's script fills it; pages saved from a browser show it filled, old pages show
  ``<em id="post-date">``. ``svr_time`` is the server's clock at fetch time, never the publish time;
* the body in ``#js_content``, hidden by an inline ``visibility: hidden`` that the page's script lifts.

When ``ct`` and the day shown (or ``publish_time``) disagree — preview links stamp ``ct`` when the draft was made —
the day readers see wins, as for any page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from crawlers.extract.dom import node_text, squeeze
from crawlers.extract.stamps import Stamp, epoch_stamp, parse_stamp

_EPOCH_VARS = (
    re.compile(r"\bvar\s+ct\s*=\s*[\"'](\d{9,10})[\"']"),
    re.compile(r"\bcreate_time\s*[:=]\s*[\"'](\d{9,10})[\"']"),
    re.compile(r"\bwindow\.ct\s*=\s*[\"'](\d{9,10})[\"']"),
)
_DAY_VAR_RE = re.compile(r"\bvar\s+publish_time\s*=\s*[\"']([^\"'<>]{8,30})[\"']")
_NICKNAME_RE = re.compile(r"\bvar\s+nickname\s*=\s*(?:htmlDecode\()?\s*[\"']([^\"'<>]{1,60})[\"']")
_TITLE_VAR_RE = re.compile(r"\bvar\s+msg_title\s*=\s*[\"']([^\"'<>]{1,200})[\"']")
_JS_ESCAPE_RE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\(.)")
# What mp.weixin.qq.com answers instead of an article: deleted, taken down, or a verification wall.
UNAVAILABLE_MARKERS = (
    ("该内容已被发布者删除", "文章已被发布者删除"),
    ("此内容因违规无法查看", "文章因违规无法查看"),
    ("此内容被投诉且经审核涉嫌侵权", "文章因投诉无法查看"),
    ("此帐号已被屏蔽", "公众号已被屏蔽"),
    ("此帐号已自主注销", "公众号已注销"),
    ("环境异常", "微信要求完成验证（环境异常）"),
    ("访问过于频繁", "微信限制访问（访问过于频繁）"),
)
_BADGES = frozenset({"原创", "转载", "来源", "作者", "文", "图"})
_SCRIPT_CHARS = 1_500_000


@dataclass(frozen=True)
class WechatPage:
    """What a WeChat article page says about itself; ``unavailable`` names why there is no article, if so."""

    title: str | None
    account: str | None
    author: str | None
    published: datetime | None
    body: object | None
    unavailable: str | None = None


def is_wechat_page(root, url: str | None) -> bool:
    """A page served by mp.weixin.qq.com, known by its address or its markup."""
    host = (urlsplit(url).hostname or "") if url and "//" in url else ""
    if host == "mp.weixin.qq.com":
        return True
    for meta in root.iter("meta"):
        if (meta.get("property") or "").lower() == "og:site_name" and (meta.get("content") or "") == "微信公众平台":
            return True
    return _by_id(root, "js_content") is not None and (
        _by_id(root, "activity-name") is not None or _by_id(root, "js_name") is not None
        or _by_id(root, "post-user") is not None)


def _by_id(root, ident: str):
    found = root.xpath("//*[@id=$i]", i=ident)
    return found[0] if found else None


def _by_class(root, name: str):
    found = root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $c)]", c=f" {name} ")
    return found[0] if found else None


def _js_string(value: str) -> str:
    """A JavaScript string literal's text: ``\\x26amp;`` and ``\\u`` escapes, then HTML entities."""
    def unescape(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else match.group(3)

    return squeeze(html.unescape(_JS_ESCAPE_RE.sub(unescape, value)))


def _text(el) -> str | None:
    return (node_text(el) or None) if el is not None else None


def _meta(root, key: str) -> str | None:
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == key:
            value = squeeze(meta.get("content") or "")
            if value:
                return value
    return None


def _title(root, scripts: str) -> str | None:
    shown = _text(_by_id(root, "activity-name"))
    if shown:
        return shown
    for key in ("og:title", "twitter:title"):
        value = _meta(root, key)
        if value:
            return value
    match = _TITLE_VAR_RE.search(scripts)
    if match and _js_string(match.group(1)):
        return _js_string(match.group(1))
    el = root.find(".//title")
    return _text(el)


def _account(root, scripts: str) -> str | None:
    for el in (_by_id(root, "js_name"), _by_class(root, "wx_follow_nickname"), _by_id(root, "post-user"),
               _by_class(root, "profile_nickname"), _by_class(root, "rich_media_meta_nickname")):
        value = _text(el)
        if value:
            return value
    match = _NICKNAME_RE.search(scripts)
    if match is None:
        return None
    return _js_string(match.group(1)) or None


def _author(root, account: str | None) -> str | None:
    for key in ("author", "og:article:author"):
        value = _meta(root, key)
        if value and value != account:
            return value
    meta_line = _by_id(root, "meta_content")
    if meta_line is None:
        meta_line = _by_class(root, "rich_media_meta_list")
    if meta_line is None:
        return None
    for el in meta_line.iter():
        classes = f" {el.get('class') or ''} "
        if " rich_media_meta_text " not in classes or "nickname" in classes:
            continue
        if el.get("id") in {"publish_time", "post-date", "copyright_logo"}:
            continue
        value = _text(el)
        if value and value not in _BADGES and value != account and parse_stamp(value) is None:
            return value
    return None


def _shown_day(root, scripts: str) -> Stamp | None:
    """The day readers see: the filled ``#publish_time``/``#post-date``, else the ``publish_time`` variable."""
    for ident in ("publish_time", "post-date"):
        shown = _text(_by_id(root, ident))
        stamp = parse_stamp(shown) if shown else None
        if stamp is not None:
            return stamp
    match = _DAY_VAR_RE.search(scripts)
    return parse_stamp(match.group(1)) if match else None


def _published(root, scripts: str) -> datetime | None:
    exact = None
    for pattern in _EPOCH_VARS:
        match = pattern.search(scripts)
        if match:
            exact = epoch_stamp(int(match.group(1)))
            if exact is not None:
                break
    shown = _shown_day(root, scripts)
    if exact is not None and (shown is None or shown.day == exact.day):
        return exact.to_datetime()
    return shown.to_datetime() if shown is not None else None


def _unavailable(root) -> str | None:
    body = root.find("body")
    text = node_text(body if body is not None else root)[:2000]
    for marker, reason in UNAVAILABLE_MARKERS:
        if marker in text:
            return reason
    return None


def read_wechat_page(root, raw_html: str) -> WechatPage:
    """Read a page for which :func:`is_wechat_page` holds (``root`` parsed, not yet cleaned of scripts)."""
    scripts = raw_html[:_SCRIPT_CHARS]
    body = _by_id(root, "js_content")
    if body is None:
        reason = _unavailable(root)
        if reason is not None:
            return WechatPage(None, None, None, None, None, reason)
    else:
        style = body.get("style") or ""
        cleaned = re.sub(r"(?:visibility\s*:\s*hidden|opacity\s*:\s*0(?![.\d]))\s*;?", "", style, flags=re.I)
        body.set("style", cleaned)
    account = _account(root, scripts)
    return WechatPage(title=_title(root, scripts), account=account, author=_author(root, account),
                      published=_published(root, scripts), body=body)
