"""The one function that makes the article HTML: what WeChat receives and what the preview shows.

Markdown → HTML fragment (``publisher.render.markdown``) → wrapped in the article's ``section`` → the theme
inlined with css-inline → a final allow-list pass (lxml) that keeps only the tags WeChat accepts and only
``style``, ``href`` and ``src``/``alt``: no ``<style>``, ``<script>``, ``class`` or ``id`` can reach WeChat.
"""

from __future__ import annotations

import logging
from typing import Callable
from urllib.parse import urlsplit

import css_inline
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.render.markdown import render_fragment, strip_leading_title
from publisher.render.themes import theme_by_name
from storage.models import Release
from storage.models.publishing import ReleaseAsset
from zhengyu.errors import ZhengyuError

log = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset({
    "section", "p", "span", "strong", "b", "em", "i", "u", "s", "del", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "th", "td", "img", "hr", "a",
})
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
SAFE_LINK_SCHEMES = ("http", "https")
# Body images already on WeChat's image host may stay as they are; everything else is uploaded.
WECHAT_IMAGE_HOSTS = ("mmbiz.qpic.cn", "mmbiz.qlogo.cn")


class RenderError(ZhengyuError):
    pass


def is_wechat_image_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in SAFE_LINK_SCHEMES and (parts.hostname or "") in WECHAT_IMAGE_HOSTS


def body_images(session: Session, release: Release) -> dict[str, ReleaseAsset]:
    """The release's body images by their reference as written in the Markdown."""
    assets = session.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id,
                                                        ReleaseAsset.role == "image"))
    return {asset.ref: asset for asset in assets}


def _sanitize(fragment: str) -> str:
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            if element is not root:  # comments and processing instructions
                element.drop_tree()
            continue
        tag = element.tag.lower()
        if tag not in ALLOWED_TAGS:
            log.debug("dropping tag <%s> from the article", tag)
            element.drop_tag()
            continue
        allowed = {"style"} | ALLOWED_ATTRIBUTES.get(tag, set())
        for name in list(element.attrib):
            if name not in allowed:
                del element.attrib[name]
        if tag == "a" and urlsplit(element.get("href", "")).scheme not in SAFE_LINK_SCHEMES:
            element.attrib.pop("href", None)
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def render_body(markdown: str, title: str, theme: str | None, resolve_image: Callable[[str], str]) -> str:
    """Article HTML from its parts; ``resolve_image(ref)`` gives each image's final URL."""
    body = render_fragment(strip_leading_title(markdown, title), resolve_image)
    inlined = css_inline.inline_fragment(f"<section>{body}</section>", theme_by_name(theme).css)
    return _sanitize(inlined)


def wechat_html(session: Session, release: Release, resolve_asset: Callable[[ReleaseAsset], str]) -> str:
    """The exact article HTML to send. ``resolve_asset(asset)`` gives each stored body image's URL: the
    ``media/uploadimg`` URL when publishing, a ``data:`` URI in the preview."""
    images = body_images(session, release)

    def resolve(ref: str) -> str:
        asset = images.get(ref)
        if asset is not None:
            return resolve_asset(asset)
        if is_wechat_image_url(ref):
            return ref
        raise RenderError(f"稿件 #{release.id} 的图片 {ref} 未保存在库中，请用 zhengyu release edit 重新提交正文和图片")

    return render_body(release.markdown or "", release.title or "", release.theme, resolve)
