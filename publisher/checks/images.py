"""Images as WeChat takes them (WECHAT_API.md §2): body images jpg/png under 1 MB, stored; a cover of
bmp/png/jpeg/gif up to 10 MB is required (``thumb_media_id`` is mandatory for an article)."""

from __future__ import annotations

from typing import Iterator

from publisher.checks.base import BLOCK, Finding, ReleaseContent
from publisher.render.article import is_wechat_image_url
from publisher.render.images import ImageError, validate_body_image, validate_cover


def check(content: ReleaseContent) -> Iterator[Finding]:
    for reference in content.references:
        if reference.kind != "image":
            continue
        asset = content.images.get(reference.url)
        if asset is None:
            if is_wechat_image_url(reference.url):
                continue
            yield Finding("images", "image_not_stored", BLOCK,
                          f"图片 {reference.path} 不是已保存的本地图片：微信会过滤外部图片，请改用本地 JPG/PNG 文件并重新提交",
                          "content", reference.line, reference.column, match=reference.path)
            continue
        try:
            validate_body_image(reference.path, reference.path, asset.data)
        except ImageError as exc:
            yield Finding("images", "image_invalid", BLOCK, str(exc), "content", reference.line, reference.column,
                          match=reference.path)
    if content.cover is None:
        yield Finding("images", "cover_missing", BLOCK, "缺少封面图片（微信图文必须有封面），请用 --cover 指定", "cover")
    else:
        try:
            validate_cover(content.cover.ref, content.cover.ref, content.cover.data)
        except ImageError as exc:
            yield Finding("images", "cover_invalid", BLOCK, str(exc), "cover", match=content.cover.ref)

