"""WeChat's length limits (WECHAT_API.md §3.1, §8): title ≤ 32, author ≤ 16, digest ≤ 128 characters, the
article HTML under 20,000 characters and 1 MB, the 阅读原文 link at most 1 KB."""

from __future__ import annotations

from typing import Iterator

from publisher.checks.base import BLOCK, Finding, ReleaseContent

TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000  # strictly below
CONTENT_MAX_BYTES = 1024 * 1024  # strictly below
SOURCE_URL_MAX_BYTES = 1024


def _too_long(field: str, name: str, value: str, limit: int, code: str) -> Finding:
    return Finding("limits", code, BLOCK, f"{name}共 {len(value)} 个字，微信限 {limit} 个字以内，请删减 {len(value) - limit} 个字",
                   field, context=value[:40] + ("…" if len(value) > 40 else ""))


def check(content: ReleaseContent) -> Iterator[Finding]:
    if not content.title.strip():
        yield Finding("limits", "title_empty", BLOCK, "标题为空，请填写标题（--title，或正文第一行的一级标题）", "title")
    elif len(content.title) > TITLE_MAX:
        yield _too_long("title", "标题", content.title, TITLE_MAX, "title_too_long")
    if len(content.author) > AUTHOR_MAX:
        yield _too_long("author", "作者", content.author, AUTHOR_MAX, "author_too_long")
    if len(content.digest) > DIGEST_MAX:
        yield _too_long("digest", "摘要", content.digest, DIGEST_MAX, "digest_too_long")
    if not content.markdown.strip():
        yield Finding("limits", "content_empty", BLOCK, "正文为空，请填写正文", "content")
    chars, size = len(content.html), len(content.html.encode("utf-8"))
    if chars >= CONTENT_MAX_CHARS:
        yield Finding("limits", "content_too_long", BLOCK,
                      f"发送给微信的正文 HTML（含版式样式）约 {chars} 个字符，微信要求少于 {CONTENT_MAX_CHARS} 个字符；"
                      "请删减正文、拆分为多篇，或改用样式更少的“简洁”版式", "content")
    if size >= CONTENT_MAX_BYTES:
        yield Finding("limits", "content_too_large", BLOCK,
                      f"发送给微信的正文 HTML 约 {size / 1024 / 1024:.2f} MB，微信要求小于 1 MB，请删减正文", "content")
    if content.content_source_url:
        url = content.content_source_url
        if len(url.encode("utf-8")) > SOURCE_URL_MAX_BYTES:
            yield Finding("limits", "source_url_too_long", BLOCK, "“阅读原文”链接超过 1 KB，请换用较短的链接",
                          "content_source_url", context=url[:60] + "…")
        if not url.lower().startswith(("http://", "https://")):
            yield Finding("limits", "source_url_invalid", BLOCK, "“阅读原文”链接应以 http:// 或 https:// 开头",
                          "content_source_url", context=url[:60])
