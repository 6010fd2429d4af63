"""Item pipelines: normalise → validate → dedupe → store, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawlers.items import DeletionItem, PostItem
from crawlers.pipelines.dedupe import DedupePipeline
from crawlers.pipelines.normalize import NormalizePipeline
from crawlers.pipelines.store import PostWriter
from crawlers.pipelines.validate import ValidatePipeline
from storage.privacy import author_hash_key, hash_author
from storage.models.collection import Post
from zhengyu.clock import FrozenClock
from zhengyu.settings import load_settings

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def item(ext, kind="post", text="派出所民警帮助群众", parent=None, root=None, **kw) -> PostItem:
    return PostItem(platform="weibo", kind=kind, external_id=ext, text_raw=text, parent_external_id=parent,
                    root_external_id=root, published_at=T0, author_id="12345", **kw)


def prepared(*items):
    norm = NormalizePipeline(b"k")
    return [norm.process_item(i) for i in items]


def test_normalise_hashes_the_author_and_cleans_the_text():
    out = NormalizePipeline(b"key").process_item(item(
        "1", text='我們<span class="url-icon"><img alt=[怒] src="x.png" /></span>要說法！ＡＢＣ<br/>進(jìn)行'))
    assert out.text == "我们[怒]要说法！ABC\n进行"
    assert out.author_id is None
    assert out.author_hash == hash_author(b"key", "weibo", "12345") and re.fullmatch(r"[0-9a-f]{64}", out.author_hash)
    assert out.author_hash != hash_author(b"other key", "weibo", "12345")
    assert len(out.content_hash) == 64


def test_author_key_comes_from_settings_or_a_kept_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHENGYU_SECRETS__AUTHOR_HASH_KEY", raising=False)
    settings = load_settings(tmp_path, {"data_dir": str(tmp_path / "data")})
    key = author_hash_key(settings)
    assert key == author_hash_key(settings) and len(key) == 64
    assert (tmp_path / "data" / "author_hash.key").stat().st_mode & 0o077 == 0
    configured = load_settings(tmp_path, {"data_dir": str(tmp_path / "d2"), "secrets": {"author_hash_key": "s3"}})
    assert author_hash_key(configured) == b"s3"


@pytest.mark.parametrize("bad, reason", [
    (dict(text=""), "正文为空"),
    (dict(text="<p> </p>"), "正文为空"),
    (dict(kind="comment"), "缺少上级条目"),
    (dict(kind="tweet"), "未知的条目类型"),
    (dict(published_at=datetime(2026, 3, 2, 2, 0)), "时区"),
    (dict(published_at=T0 + timedelta(days=3)), "未来"),
    (dict(author_type="celebrity"), "作者类型"),
])
def test_validate_drops_with_a_reason(bad, reason):
    base = dict(text="正常内容")
    base.update(bad)
    it = PostItem(platform="weibo", kind=base.pop("kind", "post"), external_id="1", text_raw=base.pop("text"),
                  published_at=base.pop("published_at", T0), author_type=base.pop("author_type", "netizen"))
    it = NormalizePipeline(b"k").process_item(it)
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline(FrozenClock(T0)).process_item(it)


def test_validate_keeps_huge_and_emoji_text():
    it = prepared(item("1", text="😡" * 10 + "长" * 200_000))[0]
    assert ValidatePipeline(FrozenClock(T0)).process_item(it) is it


def test_dedupe_by_id_and_by_content_for_pages_without_id():
    dedupe = DedupePipeline()
    a, b = prepared(item("1"), item("1"))
    dedupe.process_item(a)
    with pytest.raises(DropItem, match="重复"):
        dedupe.process_item(b)
    no_id_1, no_id_2 = prepared(item(None, text="同一篇文章"), item(None, text="同一篇文章"))
    dedupe.process_item(no_id_1)
    assert no_id_1.external_id == "sha256:" + no_id_1.content_hash
    with pytest.raises(DropItem):
        dedupe.process_item(no_id_2)


def test_writer_inserts_links_updates_and_flags(engine):
    clock = FrozenClock(T0)
    writer = PostWriter(engine, None, clock)
    post, comment, reply = prepared(item("P", comments_count=2), item("C", "comment", "支持", "P", "P"),
                                    item("R", "reply", "同意", "C", "P"))
    writer.write([reply, post, comment])  # order inside a batch does not matter
    assert (writer.new, writer.updated) == (3, 0)
    with engine.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(Post))}
    assert rows["C"].parent_id == rows["P"].id and rows["C"].root_id == rows["P"].id
    assert rows["R"].parent_id == rows["C"].id and rows["R"].root_id == rows["P"].id
    assert rows["P"].author_hash and rows["P"].text == "派出所民警帮助群众"

    writer.write(prepared(item("P", comments_count=2)))
    assert (writer.new, writer.updated, writer.unchanged) == (3, 0, 1)
    clock.advance(timedelta(minutes=5))
    writer.write(prepared(item("P", text="派出所民警帮助群众【补充】已处理", comments_count=5)))
    writer.write([DeletionItem("weibo", "C", "删除")])
    assert writer.updated == 2
    with engine.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(Post))}
    assert rows["P"].text.endswith("已处理") and rows["P"].comments_count == 5
    assert rows["P"].updated_at == T0 + timedelta(minutes=5)
    assert rows["C"].deleted is True and len(rows) == 3


def test_orphans_are_linked_when_their_parent_arrives_later(engine, session_factory):
    from crawlers.health import ensure_source
    from crawlers.sources import SourceConfig

    source_id = ensure_source(session_factory, SourceConfig(name="s", family="weibo", platform="weibo",
                                                            base_url="http://127.0.0.1"))
    first = PostWriter(engine, source_id, FrozenClock(T0))
    first.write(prepared(item("R", "reply", "同意", "C", "P")))
    second = PostWriter(engine, source_id, FrozenClock(T0))
    second.write(prepared(item("P"), item("C", "comment", "支持", "P", "P")))
    assert first.link_orphans() == 1
    with engine.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(Post))}
    assert rows["R"].parent_id == rows["C"].id and rows["R"].root_id == rows["P"].id


def test_concurrent_writers_never_duplicate(engine):
    a = PostWriter(engine, None, FrozenClock(T0))
    b = PostWriter(engine, None, FrozenClock(T0))
    batch = [item(str(i), text=f"内容{i}") for i in range(50)]
    a.write(prepared(*batch[:30]))
    b.write(prepared(*batch))  # 30 already there: inserted by the other writer
    assert a.new + b.new == 50
    with engine.connect() as conn:
        assert len(conn.execute(select(Post.id)).all()) == 50
