"""Top keywords and categories of a period, counted as the number of posts that carry each."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.briefs.facts.scope import Scope, within
from storage.models import Analysis, Post


def _ranked(counter: Counter, k: int) -> list[tuple[str, int]]:
    """Most frequent first; ties in code-point order, so the same store always gives the same list."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:k]


def _tally(session: Session, scope: Scope, column) -> Counter:
    counter: Counter = Counter()
    rows = session.scalars(within(select(column).join(Post, Post.id == Analysis.post_id), scope))
    for values in rows:
        # A post counts once per term, however often its analysis lists it.
        counter.update({str(v) for v in (values or []) if isinstance(v, str) and v.strip()})
    return counter


def top_keywords(session: Session, scope: Scope, k: int) -> list[tuple[str, int]]:
    return _ranked(_tally(session, scope, Analysis.keywords), k)


def top_categories(session: Session, scope: Scope, k: int) -> list[tuple[str, int]]:
    return _ranked(_tally(session, scope, Analysis.categories), k)
