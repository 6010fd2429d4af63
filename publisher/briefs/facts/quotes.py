"""Representative posts, quoted exactly as stored, with their source, time and link.

Only posts with an ``http(s)`` link are quoted, so every quote can be checked at its source; deleted posts
are not quoted. A long text is cut at a character count and the quote says so (节选); personal numbers are
masked as in every export (``storage.privacy``); nothing else is rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import Scope, post_time, within
from storage.models import Analysis, Post, Source
from storage.privacy import redact_personal_data


@dataclass(frozen=True)
class Quote:
    post_id: int
    platform: str
    source_name: str | None
    source_family: str | None
    kind: str
    author_type: str
    published_at: datetime  # UTC
    url: str
    title: str | None
    text: str
    cut: bool  # the text is the first part of the stored text
    label: str | None  # sentiment label, None when not analysed
    engagement: int


def _engagement():
    return Post.likes + Post.reposts + Post.comments_count


def _linkable():
    return [Post.deleted.is_(False), or_(Post.url.like("http://%"), Post.url.like("https://%"))]


def _quote(row, max_chars: int) -> Quote:
    post, moment, source_name, source_family, label = row
    body = redact_personal_data(post.text or post.title or "")
    cut = len(body) > max_chars
    return Quote(post_id=post.id, platform=post.platform, source_name=source_name,
                 source_family=source_family, kind=post.kind,
                 author_type=post.author_type, published_at=moment, url=post.url, title=post.title,
                 text=body[:max_chars] if cut else body, cut=cut, label=label,
                 engagement=(post.likes or 0) + (post.reposts or 0) + (post.comments_count or 0))


def _select():
    return (select(Post, post_time(), Source.name, Source.family, Analysis.label)
            .outerjoin(Source, Source.id == Post.source_id).outerjoin(Analysis, Analysis.post_id == Post.id))


def representative_posts(session: Session, scope: Scope, n: int, max_chars: int) -> list[Quote]:
    """The ``n`` most engaged posts of the scope (ties: earlier first), each with its link."""
    if n <= 0:
        return []
    stmt = within(_select(), scope).where(*_linkable()).order_by(_engagement().desc(), post_time(), Post.id).limit(n)
    return [_quote(row, max_chars) for row in session.execute(stmt)]


def first_post(session: Session, scope: Scope, max_chars: int) -> Quote | None:
    """The earliest linkable post of the scope (for an issue: where it was first seen, 首发)."""
    stmt = within(_select(), scope).where(*_linkable()).order_by(post_time(), Post.id).limit(1)
    row = session.execute(stmt).first()
    return _quote(row, max_chars) if row else None
