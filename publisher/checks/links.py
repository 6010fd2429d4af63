"""Links WeChat refuses: an article body may link only to articles already sent on WeChat
(mp.weixin.qq.com); any other ``<a href>`` makes ``draft/add`` fail with 45166 (WECHAT_API.md §8)."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

from publisher.checks.base import BLOCK, Finding, ReleaseContent, TextField

WECHAT_ARTICLE_HOSTS = ("mp.weixin.qq.com",)


def is_wechat_article(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in WECHAT_ARTICLE_HOSTS


def check(content: ReleaseContent) -> Iterator[Finding]:
    lines = content.markdown.splitlines()
    for reference in content.references:
        if reference.kind != "link" or is_wechat_article(reference.url):
            continue
        if urlsplit(reference.url).scheme not in ("http", "https"):
            continue  # not a web link: the renderer keeps it as plain text, nothing reaches WeChat
        line_text = lines[reference.line - 1] if 0 < reference.line <= len(lines) else ""
        field = TextField("content", line_text)
        start = max(0, reference.column - 1)
        yield Finding("links", "external_link", BLOCK,
                      f"外部链接 {reference.path} 会被微信拒收（错误码 45166）：正文只能链接已发布的公众号文章"
                      "（mp.weixin.qq.com）；请删去链接、把网址写成文字，或放到“阅读原文”",
                      "content", reference.line, reference.column, match=reference.path,
                      context=field.context(start, min(len(line_text), start + len(reference.path))))
