"""HTML of a brief from the repository's Jinja templates, autoescaped: crawled text can only ever be text."""

from __future__ import annotations

import base64
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from publisher.briefs.content import BriefContent
from publisher.documents.pdf import CJK_FONT_STACK, CJK_SANS_STACK

TEMPLATES = {"daily": "daily.html", "issue": "issue.html"}


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("publisher.briefs", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["data_uri"] = _data_uri
    return env


def render_html(brief: BriefContent) -> str:
    template = environment().get_template(TEMPLATES[brief.kind])
    return template.render(brief=brief, serif_stack=CJK_FONT_STACK, sans_stack=CJK_SANS_STACK)
