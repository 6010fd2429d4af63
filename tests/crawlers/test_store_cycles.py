"""Parent cycles (a post that is its own parent, A → B → A, a cycle across batches) are broken, stored and logged;
the stored parent links never form a cycle, so nothing that walks them can loop."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from crawlers.health import ensure_source
from crawlers.items import PostItem
from crawlers.pipelines.normalize import NormalizePipeline
from crawlers.pipelines.store import PostWriter
from crawlers.sources import SourceConfig
from storage.models.collection import Post
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

pytestmark = pytest.mark.timeout(30)  # before the fix the writer looped for ever on these batches


def item(ext, parent=None, root=None, kind="post") -> PostItem:
    it = PostItem(platform="weibo", kind=kind, external_id=ext, text_raw=f"转发内容{ext}", parent_external_id=parent,
                  root_external_id=root, published_at=T0, author_id="1")
    return NormalizePipeline(b"k").process_item(it)


def stored(engine) -> dict[str, Post]:
    with engine.connect() as conn:
        return {r.external_id: r for r in conn.execute(select(Post))}


def assert_acyclic(rows: dict) -> None:
    by_id = {r.id: r for r in rows.values()}
    for row in rows.values():
        seen = {row.id}
        parent = row.parent_id
        while parent is not None:
            assert parent not in seen, f"parent cycle through {row.external_id}"
            seen.add(parent)
            parent = by_id[parent].parent_id
        assert row.root_id != row.id, f"{row.external_id} is its own thread root"


def test_cycles_inside_one_batch_are_broken_and_every_item_is_stored(engine, caplog):
    writer = PostWriter(engine, None, FrozenClock(T0))
    batch = [item("self", parent="self"), item("selfroot", parent="P", root="selfroot", kind="comment"),
             item("A", parent="B"), item("B", parent="A"),
             item("X", parent="Y"), item("Y", parent="Z"), item("Z", parent="X"),
             item("tail", parent="Z", root="X", kind="comment"), item("P"), item("C", "P", "P", "comment")]
    with caplog.at_level(logging.WARNING, logger="crawlers.pipelines.store"):
        writer.write(batch)
    rows = stored(engine)
    assert set(rows) == {i.external_id for i in batch} and writer.new == len(batch)
    assert_acyclic(rows)
    assert rows["C"].parent_id == rows["P"].id and rows["tail"].parent_id == rows["Z"].id
    assert rows["self"].parent_id is None and rows["self"].extra["cycle_parent"] == "self"
    # One of each cycle's links is cut (and kept in extra), the others stay.
    assert sum(rows[k].parent_id is None for k in ("A", "B")) == 1
    assert sum(rows[k].parent_id is None for k in ("X", "Y", "Z")) == 1
    assert writer.cycles_broken == 4
    assert len([r for r in caplog.records if "cycle" in r.getMessage()]) == 4

    writer.write(batch)  # the next run meets the same data: no hang, nothing new, nothing duplicated
    assert len(stored(engine)) == len(batch)


def test_a_cycle_across_batches_is_not_closed_by_late_linking(engine, session_factory):
    source_id = ensure_source(session_factory, SourceConfig(name="s", family="weibo", platform="weibo",
                                                            base_url="http://127.0.0.1"))
    first = PostWriter(engine, source_id, FrozenClock(T0))
    first.write([item("A", parent="B")])  # B unknown yet: an orphan waiting for its parent
    second = PostWriter(engine, source_id, FrozenClock(T0))
    second.write([item("B", parent="A"), item("C", parent="B")])  # B's parent A is stored: linked at insert
    assert second.link_orphans() == 0  # linking A under B would close A → B → A
    rows = stored(engine)
    assert_acyclic(rows)
    assert rows["B"].parent_id == rows["A"].id and rows["C"].parent_id == rows["B"].id
    assert rows["A"].parent_id is None and rows["A"].extra["cycle_parent"] == "B"
    assert rows["A"].parent_external_id is None  # not retried by every later run
    assert first.link_orphans() == 0


def test_replayed_streams_with_cycles_store_acyclic_threads(session_factory, engine):
    from zoneinfo import ZoneInfo

    from sentiment.replay import parse_record, store_posts

    tz = ZoneInfo("Asia/Shanghai")
    records = [{"id": "s", "parent_id": "s"}, {"id": "a", "parent_id": "b"}, {"id": "b", "parent_id": "a"},
               {"id": "c", "parent_id": "a"}]
    batch = [parse_record({**r, "text": f"内容{r['id']}", "published_at": "2026-03-02T10:00:00"}, tz)
             for r in records]
    with session_factory() as session:
        store_posts(session, batch, T0, lambda platform, author: None)
        session.commit()
    rows = stored(engine)
    assert set(rows) == {"s", "a", "b", "c"}
    assert_acyclic(rows)
    assert rows["s"].parent_id is None and rows["c"].parent_id == rows["a"].id
