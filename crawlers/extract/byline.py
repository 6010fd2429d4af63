"""Find the source media (来源) and the author (作者/记者) of an article.

Read in this order, first hit wins per field:

1. labelled values in the byline zone between headline and body ("来源：新京报", "作者：李在山"); values are cut
   at the next label, so "来源：证券时报网作者：李在山" yields both;
2. the unlabelled byline: the line that shows the publish time often names the outlet beside it
   ("2019年09月07日 04:04 北京日报", "原创 南方都市报 2019-09-09 16:01:46"); a short line just before the time
   names the outlet when it looks like one (…报, …社, …网) and otherwise the account that posted (self-media);
3. reporter credits at the body's edges ("（记者陈智 整合）", "采写：南都见习记者 林子沛", a closing "（李楠）");
4. ``<meta name=author|source>``, ignoring placeholders, numbers and the site's own name.

Editors (责任编辑) and photographers ("记者 张三 摄") are never authors.
"""

from __future__ import annotations

import re

from crawlers.extract.dates import TIME_IN_TEXT_RE
from crawlers.extract.dom import squeeze

_STOP = (r"(?=\s*(?:作者|来源|记者|编辑|责任编辑|责编|发布|时间|日期|浏览|阅读|点击|字号|字体|分享|评论|参与|打印|举报|"
         r"\d{4}[-年/]|$))")
_NAME = r"[\u4e00-\u9fa5A-Za-z·•\-．.（）()]"
_SOURCE_RE = re.compile(
    r"(?<!资料)(?<!图片)(?<!视频)(?:来源|来自|稿源|出处|来源于|source)\s*[:：]\s*(?P<v>[^\s:：|，,。]{2,30}?)" + _STOP, re.I)
_AUTHOR_RE = re.compile(r"(?:作者|撰文|文|author)\s*[:：/]\s*(?P<v>" + _NAME + r"{2,20}(?:\s" + _NAME + r"{2,4}){0,3}?)"
                        + _STOP, re.I)
_REPORTER_RE = re.compile(r"(?:见习|实习)?记者\s*[:：]?\s*(?P<v>[\u4e00-\u9fa5]{2,4}(?:[ 、,，][\u4e00-\u9fa5]{2,4}){0,3})"
                          r"(?!\s*摄)(?=\s*(?:[）)\s]|报道|整合|综合|通讯员|$))")
_CLOSING_NAME_RE = re.compile(r"[（(](?:文\s*[/／]\s*)?(?P<v>[\u4e00-\u9fa5]{2,3}(?:[ 、][\u4e00-\u9fa5]{2,3}){0,2})[)）]\s*$")
_NOT_NAMES = frozenset({"整合", "综合", "报道", "摄影", "摄", "通讯员", "实习生", "编译", "来源", "原创", "完", "记者"})
_MEDIA_RE = re.compile(r"(网|报|社|台|新闻|周刊|杂志|频道|在线|传媒|媒体|广播|客户端|办事处|委员会|政府|局|厅|中心|研究院)$")
_BADGES_RE = re.compile(r"\d+\s*(?:人参与|评论|阅读)|原创|举报|字号|正文|首页|返回|订阅|登录|注册|评论|(?<!\S)[大中小](?!\S)|分享|收藏|打印|关注|[:：|/]")
_BYLINE_LINES = 4  # the unlabelled byline sits right under the headline, or it is not a byline
_META_AUTHOR = ("author", "article:author", "og:article:author", "dc.creator", "byline")
_META_SOURCE = ("source", "article:source", "contentsource")
_PLACEHOLDER_RE = re.compile(r"@|https?:|www\.|^\s*name\b|^[\d\W_]+$", re.I)


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = squeeze(value).strip(" 　:：|/-()（）[]【】")
    value = re.sub(r"^(?:来源|作者)\s*[:：]\s*", "", value)
    if not value or _PLACEHOLDER_RE.search(value) or len(value) > 30:
        return None
    return value


def _names(value: str | None) -> str | None:
    """Keep the person names of a reporter credit ("陈智 整合" → "陈智")."""
    if not value:
        return None
    kept = [name for name in re.split(r"[ 、,，]+", value) if name and name not in _NOT_NAMES]
    return " ".join(kept) or None


def _meta(root, keys) -> str | None:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in keys:
            value = _clean(meta.get("content"))
            if value:
                return value
    return None


def _beside_time(header: list[str]) -> tuple[str | None, str | None]:
    """``(author, source)`` from the unlabelled line that carries the publish time, or the line above it."""
    for index, line in enumerate(header[:_BYLINE_LINES]):
        match = TIME_IN_TEXT_RE.search(line)
        if not match:
            continue
        labelled = bool(re.search(r"[时日][间期]", match.group(0)))
        rest = squeeze(_BADGES_RE.sub(" ", line[: match.start()] + " " + line[match.end():]))
        tokens = rest.split()
        if len(tokens) == 1 and 2 <= len(tokens[0]) <= 15 and (not labelled or _MEDIA_RE.search(tokens[0])):
            return None, tokens[0]
        if index > 0:
            pair = re.fullmatch(r"\s*(" + _NAME + r"{2,8})\s*[/／]\s*(\S{2,15})\s*", header[index - 1])
            if pair and _MEDIA_RE.search(pair.group(2)):  # "石佳/中国青年报": reporter/outlet
                return pair.group(1), pair.group(2)
            above = squeeze(_BADGES_RE.sub(" ", header[index - 1]))
            if 2 <= len(above) <= 12 and " " not in above and not TIME_IN_TEXT_RE.search(above):
                return (None, above) if _MEDIA_RE.search(above) else (above, None)
        return None, None
    return None, None


def extract_byline(header: list[str], body_lines: list[str], root,
                   site_names: str = "") -> tuple[str | None, str | None]:
    """``(author, source)`` from the lines between headline and body, the body's edges and the metadata.

    ``site_names`` is text naming the site itself (the ``<title>`` suffix); a meta author found in it is the
    site, not a person.
    """
    author = source = None
    for line in header:
        if source is None:
            match = _SOURCE_RE.search(line)
            if match:
                source = _clean(match.group("v"))
        if author is None:
            match = _AUTHOR_RE.search(line) or _REPORTER_RE.search(line)
            if match:
                author = _names(_clean(match.group("v")))
    near_author, near_source = _beside_time(header)
    source = source or near_source
    author = author or near_author
    if author is None:
        for line in body_lines[:2]:
            match = _REPORTER_RE.search(line[:80])
            if match:
                author = _names(match.group("v"))
                break
    if author is None:
        for line in reversed(body_lines[-3:]):
            match = _REPORTER_RE.search(line) or _CLOSING_NAME_RE.search(line)
            if match:
                author = _names(match.group("v"))
                break
    if source is None:
        for line in body_lines[-3:]:
            match = _SOURCE_RE.search(line)
            if match:
                source = _clean(match.group("v"))
    meta_author = _meta(root, _META_AUTHOR)
    if meta_author and (meta_author in site_names or meta_author == source or _MEDIA_RE.search(meta_author)):
        source = source or (meta_author if _MEDIA_RE.search(meta_author) else None)
        meta_author = None
    return author or meta_author, source or _meta(root, _META_SOURCE)
