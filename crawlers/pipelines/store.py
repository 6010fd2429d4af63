"""Store: batched upserts into ``posts`` keyed by (platform, external_id).

New rows are inserted with ``ON CONFLICT DO NOTHING`` (so two crawler processes can never duplicate a row),
parents before children, each linked in the INSERT to its parent and thread root by external id. A known row
is updated when its text changed (an edit), its counts grew or its status changed; otherwise nothing is
written. Batches are flushed every ``BATCH_SIZE`` items,
every ``FLUSH_INTERVAL_S`` seconds and when the spider closes, so a dashboard sees items during a crawl.
A crawl killed before a flush loses nothing for good: the source's cursor only advances after a successful
run, so the next run fetches those items again.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crawlers import stats as keys
from crawlers.items import DeletionItem, PostItem
from storage.engine import make_session_factory, session_scope
from storage.models.collection import Post
from storage.threads import would_close_cycle

log = logging.getLogger(__name__)

BATCH_SIZE = 200
FLUSH_INTERVAL_S = 1.0
_IN_CHUNK = 400


def _chunks(values: list, size: int = _IN_CHUNK) -> Iterable[list]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


class PostWriter:
    """The storage half of the pipeline, usable without Scrapy (tests, benchmarks)."""

    def __init__(self, engine, source_id: int | None, clock) -> None:
        self.engine = engine
        self.factory = make_session_factory(engine)
        self.source_id = source_id
        self.clock = clock
        self.new = 0
        self.updated = 0
        self.unchanged = 0
        self.cycles_broken = 0
        self.max_published_at: datetime | None = None
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        table = Post.__table__
        # One compiled statement, run as executemany with RETURNING (SQLAlchemy's "insertmanyvalues").
        self._insert_stmt = (insert(table).on_conflict_do_nothing(index_elements=["platform", "external_id"])
                             .returning(table.c.id, table.c.external_id))

    def write(self, items: list[PostItem | DeletionItem]) -> None:
        if not items:
            return
        by_platform: dict[str, list] = {}
        for item in items:
            by_platform.setdefault(item.platform, []).append(item)
        with session_scope(self.factory) as session:
            for platform, group in by_platform.items():
                self._write_platform(session, platform, group)

    def _existing(self, session, platform: str, keys: set[str]) -> dict[str, Any]:
        rows = {}
        for chunk in _chunks(sorted(keys)):
            stmt = select(Post.id, Post.external_id, Post.content_hash, Post.likes, Post.reposts,
                          Post.comments_count, Post.deleted, Post.extra).where(Post.platform == platform,
                                                                   Post.external_id.in_(chunk))
            for row in session.execute(stmt):
                rows[row.external_id] = row
        return rows

    def _write_platform(self, session, platform: str, items: list) -> None:
        now = self.clock.now()
        latest: dict[str, Any] = {}
        for item in items:  # the last version of an item in one batch wins
            latest[item.external_id] = item
        posts = [i for i in latest.values() if isinstance(i, PostItem)]
        deletions = [i for i in latest.values() if isinstance(i, DeletionItem)]
        wanted = set(latest)
        for item in posts:
            wanted.update(k for k in (item.parent_external_id, item.root_external_id) if k)
        existing = self._existing(session, platform, wanted)
        ids = {key: row.id for key, row in existing.items()}

        # Insert in generations (posts, then their comments, then replies) so that each row is linked to its
        # parent and root in the INSERT itself; a parent that is in neither the store nor this batch leaves an
        # orphan that link_orphans() resolves later.
        pending = {item.external_id: item for item in posts if item.external_id not in existing}
        inserted_keys: set[str] = set()
        while pending:
            ready = [item for item in pending.values()
                     if item.parent_external_id not in pending and item.root_external_id not in pending]
            if not ready:  # every item left waits on another one left: a parent cycle (a repost API can send one)
                self._break_cycle(pending)
                continue
            rows = [self._row(item, now, ids) for item in ready]
            for chunk in _chunks(rows, 500):
                for row in session.execute(self._insert_stmt, chunk):
                    inserted_keys.add(row.external_id)
                    ids[row.external_id] = row.id
            for item in ready:
                del pending[item.external_id]
        self.new += len(inserted_keys)
        tried = {item.external_id for item in posts if item.external_id not in existing}
        lost = tried - inserted_keys
        if lost:  # another process inserted them between our select and insert: they are updates now
            existing.update(self._existing(session, platform, lost))
            ids.update({key: existing[key].id for key in lost if key in existing})

        changes = []
        for item in posts:
            row = existing.get(item.external_id)
            if row is None or item.external_id in inserted_keys:
                continue
            change: dict[str, Any] = {}
            if row.content_hash != item.content_hash:
                change.update(text_raw=item.text_raw, text=item.text, title=item.title,
                              content_hash=item.content_hash)
            for field in ("likes", "reposts", "comments_count"):
                value = getattr(item, field)
                if value != getattr(row, field):
                    change[field] = value
            if row.deleted:
                change["deleted"] = False
            stored_extra = row.extra or {}
            if any(stored_extra.get(k) != v for k, v in item.extra.items()):
                change["extra"] = {**stored_extra, **item.extra}  # e.g. a message's handling status
            if change:
                change.update(id=row.id, updated_at=now)
                changes.append(change)
            else:
                self.unchanged += 1
        for item in deletions:
            row = existing.get(item.external_id)
            if row is not None and not row.deleted:
                changes.append({"id": row.id, "deleted": True, "updated_at": now})
        if changes:
            self._update(session, changes)
            self.updated += len(changes)
        for item in posts:
            if item.kind in ("post", "article", "message") and item.published_at is not None:
                if self.max_published_at is None or item.published_at > self.max_published_at:
                    self.max_published_at = item.published_at

    def _break_cycle(self, pending: dict[str, PostItem]) -> None:
        """Cut one link of a cycle among ``pending`` items (none of which is ready).

        Following the waiting links from any pending item must come back to an item already visited; the link
        that closes the loop is cut and kept in ``extra["cycle_parent"]``/``extra["cycle_root"]``, so nothing the
        site said is lost. Each cut removes a link, so the insert loop always ends.
        """
        seen: list[str] = []
        current = next(iter(pending.values()))
        while current.external_id not in seen:
            seen.append(current.external_id)
            link = current.parent_external_id if current.parent_external_id in pending else current.root_external_id
            current = pending[link]
        cycle = seen[seen.index(current.external_id):]
        cut = pending[cycle[-1]]  # its waiting link points back to the start of the cycle
        target = current.external_id
        if cut.parent_external_id == target:
            cut.extra["cycle_parent"] = target
            cut.parent_external_id = None
        if cut.root_external_id == target:
            cut.extra["cycle_root"] = target
            cut.root_external_id = None
        self.cycles_broken += 1
        log.warning("parent cycle %s on %s: %s is stored without its link to %s",
                    " → ".join(cycle + [cycle[0]]), cut.platform, cut.external_id, target)

    def _update(self, session, changes: list[dict[str, Any]]) -> None:
        """Executemany UPDATEs by primary key, one statement per set of changed columns."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for change in changes:
            groups.setdefault(tuple(sorted(k for k in change if k != "id")), []).append(change)
        table = Post.__table__
        for columns, group in groups.items():
            stmt = (update(table).where(table.c.id == bindparam("row_id"))
                    .values({c: bindparam(c) for c in columns}))
            session.execute(stmt, [{**{c: g[c] for c in columns}, "row_id": g["id"]} for g in group])

    def _row(self, item: PostItem, now: datetime, ids: dict[str, int]) -> dict[str, Any]:
        extra = dict(item.extra)
        if item.root_external_id:
            extra["root_external_id"] = item.root_external_id
        return {
            "source_id": self.source_id, "platform": item.platform, "external_id": item.external_id,
            "kind": item.kind, "url": item.url, "parent_external_id": item.parent_external_id,
            "parent_id": ids.get(item.parent_external_id) if item.parent_external_id else None,
            "root_id": ids.get(item.root_external_id) if item.root_external_id else None,
            "author_hash": item.author_hash, "author_type": item.author_type, "region": item.region,
            "title": item.title, "text_raw": item.text_raw, "text": item.text, "published_at": item.published_at,
            "fetched_at": now, "likes": item.likes, "reposts": item.reposts,
            "comments_count": item.comments_count, "content_hash": item.content_hash, "deleted": False,
            "extra": extra,
        }

    def link_orphans(self) -> int:
        """Resolve parent/root links of rows whose parent arrived later (or from another process)."""
        if self.source_id is None:
            return 0
        fixed = 0
        linked: dict[int, int] = {}
        with session_scope(self.factory) as session:
            orphans = session.execute(
                select(Post.id, Post.platform, Post.parent_external_id, Post.root_id, Post.extra).where(
                    Post.source_id == self.source_id, Post.parent_external_id.is_not(None),
                    Post.parent_id.is_(None))).all()
            for chunk in _chunks(orphans):
                keys = {(o.platform, o.parent_external_id) for o in chunk}
                keys |= {(o.platform, (o.extra or {}).get("root_external_id")) for o in chunk}
                found = {}
                for platform in {k[0] for k in keys}:
                    ext = [k[1] for k in keys if k[0] == platform and k[1]]
                    for row in self._existing(session, platform, set(ext)).values():
                        found[(platform, row.external_id)] = row.id
                links, cuts = [], []
                for o in chunk:
                    parent = found.get((o.platform, o.parent_external_id))
                    if parent is None:
                        continue
                    if would_close_cycle(session, o.id, parent, linked):
                        # The parent descends from this row (A → B stored, now B's parent is A): linking would
                        # close a cycle. Keep what the site said in extra and stop retrying the link.
                        self.cycles_broken += 1
                        log.warning("parent cycle on %s: row %d is not linked under row %d, which descends "
                                    "from it", o.platform, o.id, parent)
                        cuts.append({"id": o.id, "parent_external_id": None,
                                     "extra": {**(o.extra or {}), "cycle_parent": o.parent_external_id}})
                        continue
                    root = o.root_id or found.get((o.platform, (o.extra or {}).get("root_external_id")))
                    linked[o.id] = parent
                    links.append({"id": o.id, "parent_id": parent, "root_id": root if root != o.id else None})
                if links:
                    self._update(session, links)
                    fixed += len(links)
                if cuts:
                    self._update(session, cuts)
        return fixed


class StorePipeline:
    def __init__(self, writer: PostWriter, stats) -> None:
        self.writer = writer
        self.stats = stats
        self.buffer: list = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        context = crawler.settings["ZHENGYU_CONTEXT"]
        writer = PostWriter(context.get_engine(), crawler.settings.get("ZHENGYU_SOURCE_ID"), context.clock)
        return cls(writer, crawler.stats)

    def process_item(self, item, spider=None):
        if isinstance(item, (PostItem, DeletionItem)):
            self.buffer.append(item)
            if len(self.buffer) >= BATCH_SIZE or time.monotonic() - self.last_flush >= FLUSH_INTERVAL_S:
                self.flush()
        return item

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        if not batch:
            return
        try:
            self.writer.write(batch)
        except SQLAlchemyError:
            # The run is then judged failed, so the cursor stays put and the next run fetches these again.
            log.exception("could not store %d items", len(batch))
            self.stats.inc_value(keys.STORE_ERRORS)
        self._stats()

    def _stats(self) -> None:
        self.stats.set_value(keys.ITEMS_NEW, self.writer.new)
        self.stats.set_value(keys.ITEMS_UPDATED, self.writer.updated)
        self.stats.set_value(keys.ITEMS_UNCHANGED, self.writer.unchanged)
        self.stats.set_value(keys.PARENT_CYCLES, self.writer.cycles_broken)
        if self.writer.max_published_at is not None:
            self.stats.set_value(keys.MAX_PUBLISHED_AT, self.writer.max_published_at.isoformat())

    def close_spider(self, spider=None) -> None:
        self.flush()
        try:
            linked = self.writer.link_orphans()
        except SQLAlchemyError:
            log.exception("could not link items to parents that arrived later")
            self.stats.inc_value(keys.STORE_ERRORS)
            linked = 0
        if linked:
            log.info("linked %d items to parents that arrived later", linked)
        self._stats()
