"""The analysis worker: claim posts that have no ``Analysis`` row yet, analyse them, store the results.

Several workers may run against one PostgreSQL database: each claims its batch with
``SELECT … FOR UPDATE SKIP LOCKED``, so no post is analysed twice and nobody waits. On SQLite (one writer at a
time) the clause is not emitted; should two workers still race, the loser's batch fails on the primary key and is
simply dropped (the winner stored it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sentiment.analyzer import Analyzer
from sentiment.keywords import STORE_IDF_NAME, IdfTable
from storage.engine import session_scope
from storage.models import Analysis, Post

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def post_text(title: str | None, text: str | None) -> str:
    """The text analysed for a post: its title (articles have one) and its body."""
    if title and text:
        return f"{title}\n{text}"
    return title or text or ""


def analyze_pending(session_factory: sessionmaker[Session], analyzer: Analyzer, batch_size: int = 500,
                    now: Callable[[], datetime] = _utcnow) -> int:
    """Analyse one batch of unanalysed posts; return how many were stored (0 when nothing is pending)."""
    try:
        with session_scope(session_factory) as session:
            query = (
                select(Post.id, Post.title, Post.text)
                .where(~exists().where(Analysis.post_id == Post.id))
                .order_by(Post.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True, of=Post)
            )
            rows = session.execute(query).all()
            if not rows:
                return 0
            results = analyzer.analyze_many(post_text(r.title, r.text) for r in rows)
            stamp = now()
            session.add_all(
                Analysis(post_id=r.id, label=a.label, score=a.score, model_version=a.model_version,
                         keywords=list(a.keywords), categories=list(a.categories), analyzed_at=stamp)
                for r, a in zip(rows, results)
            )
        log.info("analysed %d posts (ids %d..%d)", len(rows), rows[0].id, rows[-1].id)
        return len(rows)
    except IntegrityError:
        log.warning("another worker stored this batch first; skipping it")
        return 0


def analyze_all_pending(session_factory: sessionmaker[Session], analyzer: Analyzer, batch_size: int = 500,
                        now: Callable[[], datetime] = _utcnow) -> int:
    """Analyse batches until nothing is pending; return the total."""
    total = 0
    while True:
        n = analyze_pending(session_factory, analyzer, batch_size, now)
        total += n
        if n == 0:
            return total


def refresh_store_idf(session_factory: sessionmaker[Session], analyzer: Analyzer, data_dir: Path | str,
                      max_posts: int = 200_000, min_docs: int = 1) -> IdfTable:
    """Relearn the IDF table from the newest ``max_posts`` posts in the store, save it under ``data_dir`` and
    hand it to ``analyzer`` once it covers ``min_docs`` posts (fewer: the shipped table stays in use)."""
    with session_scope(session_factory) as session:
        texts = session.execute(
            select(Post.title, Post.text).order_by(Post.id.desc()).limit(max_posts)
        ).all()
        docs = [analyzer.words(post_text(t.title, t.text)) for t in texts]
    table = IdfTable.learn(docs, source=f"store: newest {len(docs)} posts")
    table.meta = {"learnt_at": _utcnow().isoformat(timespec="seconds")}
    path = Path(data_dir) / STORE_IDF_NAME
    table.save(path)
    if table.n_docs >= min_docs:
        analyzer.set_idf(table)
    log.info("IDF refreshed from %d posts into %s", table.n_docs, path)
    return table
