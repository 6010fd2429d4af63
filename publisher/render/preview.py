"""The preview page: WeChat's article frame (cover, title, author) around the unchanged article HTML."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from publisher.states import RELEASE_STATUS_NAMES
from storage.models import Release


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("publisher.render", "templates"), autoescape=select_autoescape(["html"]))


def preview_page(release: Release, body: str, cover_uri: str | None, accounts: list[str]) -> str:
    return _environment().get_template("preview.html").render(
        id=release.id, title=release.title, author=release.author_name, digest=release.digest, body=body,
        cover=cover_uri, accounts="、".join(accounts), content_hash=release.content_hash or "",
        status=RELEASE_STATUS_NAMES.get(release.status, release.status))
