"""The analysis worker: claim posts that have no ``Analysis`` row yet, analyse them, store the results.

Several workers may run against one PostgreSQL database: each claims its batch with
``SELECT … FOR UPDATE SKIP LOCKED``, so no post is analysed twice and nobody waits. On SQLite (one writer at a
time) the clause is not emitted; should two workers still race, the loser's batch fails on the primary key and is
simply dropped (the winner stored it).

The worker also keeps the keyword IDF table learnt from the store fresh (:class:`IdfRefresher`): it is rebuilt
when the store has grown by ``analysis.idf_refresh_growth`` since the last build or the table is older than
``analysis.idf_refresh_max_age_h``, written atomically and swapped into the running analyzer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sentiment.analyzer import Analyzer
from sentiment.keywords import STORE_IDF_NAME, IdfError, IdfTable
from storage.engine import session_scope
from storage.models import Analysis, Post

if TYPE_CHECKING:
    from zhengyu.settings import Settings

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
                        now: Callable[[], datetime] = _utcnow, idf_refresher: IdfRefresher | None = None) -> int:
    """Analyse batches until nothing is pending; return the total. With ``idf_refresher``, first rebuild the
    store's IDF table if that is due, so the new posts' keywords are ranked with it."""
    if idf_refresher is not None:
        idf_refresher.maybe_refresh(analyzer)
    total = 0
    while True:
        n = analyze_pending(session_factory, analyzer, batch_size, now)
        total += n
        if n == 0:
            return total


def refresh_store_idf(session_factory: sessionmaker[Session], analyzer: Analyzer, data_dir: Path | str,
                      max_posts: int = 200_000, min_docs: int = 1,
                      now: Callable[[], datetime] = _utcnow) -> IdfTable:
    """Relearn the IDF table from the newest ``max_posts`` posts in the store, save it under ``data_dir`` and
    hand it to ``analyzer`` once it covers ``min_docs`` posts (fewer: the shipped table stays in use).

    The file is replaced atomically (:meth:`IdfTable.save`); its ``meta`` records when it was learnt (by ``now``)
    and how many posts the store held then, which is what :class:`IdfRefresher` decides by."""
    with session_scope(session_factory) as session:
        store_posts = session.scalar(select(func.count()).select_from(Post)) or 0
        texts = session.execute(
            select(Post.title, Post.text).order_by(Post.id.desc()).limit(max_posts)
        ).all()
        docs = [analyzer.words(post_text(t.title, t.text)) for t in texts]
    table = IdfTable.learn(docs, source=f"store: newest {len(docs)} posts")
    table.meta = {"learnt_at": now().isoformat(timespec="seconds"), "store_posts": store_posts}
    path = Path(data_dir) / STORE_IDF_NAME
    table.save(path)
    if table.n_docs >= min_docs:
        analyzer.set_idf(table)
    log.info("IDF refreshed from %d posts (store: %d) into %s", table.n_docs, store_posts, path)
    return table


@dataclass(frozen=True)
class IdfRefreshPolicy:
    """When the store-learnt IDF table is rebuilt (``analysis.idf_*`` settings)."""

    growth: float = 1.5
    """Rebuild once the store holds this many times the posts it held at the last build."""
    max_age: timedelta = timedelta(hours=24)
    """Rebuild a table older than this, if the store has changed since."""
    min_docs: int = 1000
    """No table is built (nor used) before the store holds this many posts."""
    max_posts: int = 200_000
    """The newest posts a table is learnt from."""
    check_every: timedelta = timedelta(minutes=5)
    """How often a long-running worker counts the store's posts to decide."""

    @classmethod
    def from_settings(cls, settings: Settings) -> IdfRefreshPolicy:
        a = settings.analysis
        return cls(growth=a.idf_refresh_growth, max_age=timedelta(hours=a.idf_refresh_max_age_h),
                   min_docs=a.idf_min_store_docs, max_posts=a.idf_store_max_posts,
                   check_every=timedelta(seconds=a.idf_refresh_check_s))


@dataclass(frozen=True)
class IdfBuild:
    """What is known of the last build: when (stream time of the injected clock) and the store's size then."""

    learnt_at: datetime | None
    store_posts: int

    @classmethod
    def of(cls, table: IdfTable) -> IdfBuild:
        """From a table's ``meta`` (tables written before ``store_posts`` was recorded: their ``n_docs``)."""
        try:
            learnt_at = datetime.fromisoformat(str(table.meta["learnt_at"]))
            if learnt_at.tzinfo is None:
                learnt_at = learnt_at.replace(tzinfo=timezone.utc)
        except (KeyError, ValueError):
            learnt_at = None
        try:
            store_posts = int(table.meta.get("store_posts", table.n_docs))
        except (TypeError, ValueError):
            store_posts = table.n_docs
        return cls(learnt_at, store_posts)


class IdfRefresher:
    """Keeps the store-learnt IDF table fresh for one worker's analyzer.

    :meth:`maybe_refresh` (called by the worker before each round) counts the store's posts, at most every
    ``policy.check_every``, and rebuilds the table (:func:`refresh_store_idf`: written atomically and swapped
    into the analyzer) when

    * there is no usable table yet and the store holds ``policy.min_docs`` posts;
    * the store holds ``policy.growth`` times the posts it held at the last build;
    * the table is older than ``policy.max_age`` and the store has changed since.

    Time comes from ``now`` (the injected clock), so replays and tests decide by stream time. What is known of
    the last build comes from the analyzer's table when it was loaded from this file, else from the file (read
    once per process).
    """

    def __init__(self, session_factory: sessionmaker[Session], data_dir: Path | str, policy: IdfRefreshPolicy,
                 now: Callable[[], datetime] = _utcnow) -> None:
        self.session_factory = session_factory
        self.path = Path(data_dir) / STORE_IDF_NAME
        self.policy = policy
        self._now = now
        self._last: IdfBuild | None = None
        self._known = False
        self._checked_at: datetime | None = None

    @classmethod
    def from_settings(cls, session_factory: sessionmaker[Session], settings: Settings,
                      now: Callable[[], datetime]) -> IdfRefresher | None:
        """The refresher the settings ask for, or None when ``analysis.idf_auto_refresh`` is off."""
        if not settings.analysis.idf_auto_refresh:
            return None
        return cls(session_factory, settings.data_dir, IdfRefreshPolicy.from_settings(settings), now)

    def _last_build(self, analyzer: Analyzer) -> IdfBuild | None:
        if not self._known:
            self._known = True
            current = analyzer.idf.path
            if current is not None and current.resolve() == self.path.resolve():  # loaded from our file already
                self._last = IdfBuild.of(analyzer.idf)
            elif self.path.exists():
                try:
                    self._last = IdfBuild.of(IdfTable.load(self.path))
                except IdfError as exc:
                    log.warning("%s; the store's IDF table will be rebuilt", exc)
        return self._last

    def due(self, store_posts: int, at: datetime, last: IdfBuild | None) -> str | None:
        """Why a rebuild is due now (a log line), or None."""
        p = self.policy
        if store_posts < p.min_docs:
            return None
        if last is None:
            return f"no IDF table learnt from the store yet ({store_posts} posts)"
        if store_posts >= last.store_posts * p.growth:
            return f"the store grew from {last.store_posts} to {store_posts} posts (>= x{p.growth:g})"
        if store_posts != last.store_posts and (last.learnt_at is None or at - last.learnt_at >= p.max_age):
            return f"the IDF table is older than {p.max_age} and the store changed ({last.store_posts} -> {store_posts})"
        return None

    def maybe_refresh(self, analyzer: Analyzer) -> IdfTable | None:
        """Rebuild and swap in the table if due (see the class); return the new table, or None."""
        at = self._now()
        if self._checked_at is not None and at - self._checked_at < self.policy.check_every:
            return None
        self._checked_at = at
        last = self._last_build(analyzer)
        with session_scope(self.session_factory) as session:
            store_posts = session.scalar(select(func.count()).select_from(Post)) or 0
        reason = self.due(store_posts, at, last)
        if reason is None:
            return None
        log.info("rebuilding the store's IDF table: %s", reason)
        try:
            table = refresh_store_idf(self.session_factory, analyzer, self.path.parent, self.policy.max_posts,
                                      self.policy.min_docs, now=lambda: at)
        except (OSError, SQLAlchemyError):
            # keywords keep the table they have; analysis goes on, and the next check tries again
            log.exception("could not rebuild the store's IDF table")
            return None
        self._last = IdfBuild.of(table)
        return table
