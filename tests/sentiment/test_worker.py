"""The analysis worker on both databases, and the ``zhengyu analyze`` / ``analyze-text`` commands."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from sentiment.analyzer import Analyzer
from sentiment.worker import analyze_all_pending, analyze_pending, refresh_store_idf
from storage.engine import session_scope
from storage.models import Analysis, Post
from zhengyu.cli import cli
from zhengyu.settings import load_settings

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"

FIXED = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
TEXTS = ["民警暴力执法，太让人气愤了", "感谢民警帮我找回了孩子，点赞", "", "全民反诈，开展断卡行動",
         "法院判决老赖强制执行", "今天天气不错"]


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer.from_settings(load_settings(overrides={"data_dir": str(tmp_path_factory.mktemp("data"))}))


def _add_posts(session_factory, texts, start=0):
    with session_scope(session_factory) as s:
        for i, text in enumerate(texts, start=start):
            s.add(Post(platform="weibo", external_id=f"p{i}", text=text, content_hash=f"h{i}",
                       published_at=FIXED, fetched_at=FIXED))


def test_worker_analyses_each_post_once(session_factory, analyzer):
    _add_posts(session_factory, TEXTS)
    assert analyze_pending(session_factory, analyzer, batch_size=4, now=lambda: FIXED) == 4
    assert analyze_all_pending(session_factory, analyzer, batch_size=4, now=lambda: FIXED) == 2
    assert analyze_pending(session_factory, analyzer, batch_size=4) == 0
    with session_scope(session_factory) as s:
        rows = {p.text: a for p, a in s.execute(select(Post, Analysis).join(Analysis)).all()}
        assert len(rows) == len(TEXTS)
        assert rows["民警暴力执法，太让人气愤了"].label == "neg"
        assert rows["感谢民警帮我找回了孩子，点赞"].label == "pos"
        assert rows[""].label == "neu"
        assert "涉警" in rows["民警暴力执法，太让人气愤了"].categories
        assert "断卡行动" in rows["全民反诈，开展断卡行動"].keywords
        assert rows["今天天气不错"].analyzed_at == FIXED
        assert all(a.model_version == analyzer.model_version for a in rows.values())
    # new posts arrive later: only they are picked up
    _add_posts(session_factory, ["网络谣言已被辟谣"], start=100)
    assert analyze_all_pending(session_factory, analyzer) == 1


def test_concurrent_workers_never_double_analyse(session_factory, analyzer):
    _add_posts(session_factory, [f"第{i}条：民警到场处置" for i in range(120)])
    totals = []
    errors = []

    def work():
        try:
            totals.append(analyze_all_pending(session_factory, analyzer, batch_size=10))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    with session_scope(session_factory) as s:
        assert s.scalar(select(func.count()).select_from(Analysis)) == 120
    assert analyze_all_pending(session_factory, analyzer) == 0


def test_refresh_store_idf(session_factory, analyzer, tmp_path):
    _add_posts(session_factory, ["网格员入户走访", "网格员排查隐患", "网格员巡查", "群众反映问题"])
    table = refresh_store_idf(session_factory, analyzer, tmp_path, min_docs=1)
    assert table.n_docs == 4
    assert (tmp_path / "idf_store.json.gz").exists()
    assert analyzer.idf is table or analyzer.idf.n_docs == 4
    assert table.get("网格员") < table.default_idf


def test_analyze_command_once(db_url, tmp_path):
    runner = CliRunner()
    base = ["--config", str(REPO_CONFIG), "--database-url", db_url, "--set", f"data_dir={tmp_path}"]
    assert runner.invoke(cli, [*base, "db", "upgrade"]).exit_code == 0
    from storage.engine import make_engine, make_session_factory

    engine = make_engine(db_url)
    _add_posts(make_session_factory(engine), TEXTS)
    result = runner.invoke(cli, [*base, "analyze", "--once", "--refresh-idf"])
    assert result.exit_code == 0, result.output
    assert f"已分析 {len(TEXTS)} 条帖子" in result.output
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalar(select(func.count()).select_from(Analysis)) == len(TEXTS)
    engine.dispose()


def test_analyze_text_json_plain_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": "民警暴力执法，太让人气愤了"}, ensure_ascii=False),
        "感谢民警帮我找回了孩子，点赞",
        "",
        '{"id": 7, "text": ',
        json.dumps({"id": 8}),
        json.dumps({"id": 9, "text": 42}),
        "[哈哈]太好了，点赞",
        json.dumps({"id": "e", "text": ""}),
        json.dumps({"id": "t", "text": "網警提醒：謹防電信網絡詐騙"}, ensure_ascii=False),
    ]
    result = CliRunner().invoke(cli, ["--config", str(REPO_CONFIG), "--set", f"data_dir={tmp_path}", "analyze-text"],
                                input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 8  # the empty line is skipped, every other line answers
    by_id = {str(o["id"]): o for o in out}
    assert by_id["a1"]["label"] == "neg" and 0 <= by_id["a1"]["score"] < 0.5
    assert by_id["2"]["label"] == "pos"  # plain line: its line number is the id
    assert "error" in by_id["4"] and "JSON" in by_id["4"]["error"]
    assert by_id["5"]["error"] == "缺少 text 字段"
    assert "字符串" in by_id["6"]["error"]
    assert by_id["7"]["label"] == "pos"  # a plain line that happens to start with a bracket
    assert by_id["e"]["label"] == "neu"
    assert "电信网络诈骗" in by_id["t"]["categories"] and "电信网络诈骗" in by_id["t"]["keywords"]
    for o in out:
        assert set(o) >= {"id", "error"} or set(o) >= {"id", "label", "score", "keywords", "categories"}


def test_analyze_text_invalid_utf8_does_not_crash(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(REPO_CONFIG), "--set", f"data_dir={tmp_path}", "analyze-text"],
                                input=b"\xff\xfe\xfa bad bytes\n" + "正常的一行\n".encode())
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 2


def test_missing_model_is_a_clear_cli_error(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(REPO_CONFIG), "--set", f"analysis.model_file={tmp_path}/x.joblib",
                                      "analyze-text"], input="你好\n")
    assert result.exit_code == 1
    assert "情感模型文件不存在" in result.output


# --- the store-learnt IDF table refreshes itself -----------------------------------------------------------------

@pytest.fixture
def idf_analyzer(analyzer):
    """The module's analyzer, given back with the IDF table it had."""
    original = analyzer.idf
    yield analyzer
    analyzer.set_idf(original)


def _refresher(session_factory, data_dir, clock, **policy):
    from sentiment.worker import IdfRefresher, IdfRefreshPolicy

    defaults = {"growth": 1.5, "max_age": timedelta(hours=24), "min_docs": 4, "check_every": timedelta(0)}
    return IdfRefresher(session_factory, data_dir, IdfRefreshPolicy(**{**defaults, **policy}), clock.now)


def test_idf_rebuilt_when_the_store_grows(session_factory, idf_analyzer, tmp_path):
    from sentiment.keywords import IdfTable
    from zhengyu.clock import FrozenClock

    clock = FrozenClock(FIXED)
    refresher = _refresher(session_factory, tmp_path, clock)
    path = tmp_path / "idf_store.json.gz"
    _add_posts(session_factory, ["网格员入户走访", "网格员排查隐患", "网格员巡查"])
    assert refresher.maybe_refresh(idf_analyzer) is None and not path.exists()  # 3 < min_docs: nothing built
    _add_posts(session_factory, ["群众反映问题"], start=3)
    first = refresher.maybe_refresh(idf_analyzer)
    assert first is not None and first.n_docs == 4 and idf_analyzer.idf is first
    assert IdfTable.load(path).meta == {"learnt_at": FIXED.isoformat(timespec="seconds"), "store_posts": 4}
    assert first.get("网格员") < first.default_idf
    clock.advance(timedelta(minutes=10))
    _add_posts(session_factory, ["民警到场处置"], start=4)
    assert refresher.maybe_refresh(idf_analyzer) is None  # 5 < 4 × 1.5
    _add_posts(session_factory, ["民警调解纠纷"], start=5)
    second = refresher.maybe_refresh(idf_analyzer)
    assert second is not None and second.n_docs == 6 and idf_analyzer.idf is second
    assert IdfTable.load(path).meta["learnt_at"] == (FIXED + timedelta(minutes=10)).isoformat(timespec="seconds")


def test_idf_untouched_while_young_and_not_grown(session_factory, idf_analyzer, tmp_path):
    from zhengyu.clock import FrozenClock

    clock = FrozenClock(FIXED)
    _add_posts(session_factory, [f"第{i}条：网格员走访" for i in range(10)])
    assert _refresher(session_factory, tmp_path, clock).maybe_refresh(idf_analyzer) is not None
    path = tmp_path / "idf_store.json.gz"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    # a new worker process (as `zhengyu analyze --once` in the demo) reads what it knows from the file
    clock.advance(timedelta(hours=23))
    _add_posts(session_factory, ["民警到场处置"], start=10)
    later = _refresher(session_factory, tmp_path, clock)
    assert later.maybe_refresh(idf_analyzer) is None
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    # old now, and the store changed since the build: rebuilt; old and unchanged: left alone
    clock.advance(timedelta(hours=2))
    assert later.maybe_refresh(idf_analyzer).n_docs == 11
    clock.advance(timedelta(hours=30))
    assert later.maybe_refresh(idf_analyzer) is None


def test_idf_checks_at_most_every_check_interval(session_factory, idf_analyzer, tmp_path):
    from zhengyu.clock import FrozenClock

    clock = FrozenClock(FIXED)
    refresher = _refresher(session_factory, tmp_path, clock, check_every=timedelta(minutes=5))
    assert refresher.maybe_refresh(idf_analyzer) is None  # empty store
    _add_posts(session_factory, [f"第{i}条：网格员走访" for i in range(8)])
    clock.advance(timedelta(minutes=4))
    assert refresher.maybe_refresh(idf_analyzer) is None  # due, but not checked yet
    clock.advance(timedelta(minutes=1))
    assert refresher.maybe_refresh(idf_analyzer).n_docs == 8


def test_interrupted_idf_write_leaves_the_old_table(session_factory, idf_analyzer, tmp_path, monkeypatch):
    import sentiment.keywords as keywords
    from sentiment.keywords import IdfTable, load_idf
    from zhengyu.clock import FrozenClock

    clock = FrozenClock(FIXED)
    refresher = _refresher(session_factory, tmp_path, clock)
    _add_posts(session_factory, [f"第{i}条：网格员走访" for i in range(4)])
    old = refresher.maybe_refresh(idf_analyzer)
    path = tmp_path / "idf_store.json.gz"
    _add_posts(session_factory, [f"第{i}条：民警处置" for i in range(4, 10)], start=4)
    real_dump = json.dump

    def dump_then_fail(obj, fh, **kwargs):  # half the table is written, then the disk fills up
        text = json.dumps(obj, **kwargs)
        fh.write(text[:len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keywords.json, "dump", dump_then_fail)
    assert refresher.maybe_refresh(idf_analyzer) is None  # logged; analysis goes on with the table it had
    assert idf_analyzer.idf is old
    monkeypatch.setattr(keywords.json, "dump", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):  # killed while writing: propagates, and still cleans up
        IdfTable({"x": 1.0}, 1, 2.0, "store: x").save(path)
    monkeypatch.setattr(keywords.json, "dump", real_dump)
    assert [p.name for p in tmp_path.iterdir() if "idf" in p.name] == ["idf_store.json.gz"]  # no temporary file
    reloaded = load_idf(tmp_path, min_store_docs=1)
    assert reloaded.idf == old.idf and reloaded.n_docs == 4 and reloaded.source.startswith("store")
    # the next check succeeds
    assert refresher.maybe_refresh(idf_analyzer).n_docs == 10


def test_concurrent_reader_never_sees_half_a_table(tmp_path):
    from sentiment.keywords import IdfTable

    path = tmp_path / "idf_store.json.gz"
    tables = [IdfTable({f"词{i}_{j}": 1.0 + j for j in range(3000)}, 100 + i, 9.0, f"store: {i}") for i in range(2)]
    tables[0].save(path)
    stop = threading.Event()
    seen, errors = set(), []

    def read():
        while not stop.is_set():
            try:
                seen.add(IdfTable.load(path).n_docs)
            except Exception as exc:  # surfaced below
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(30):
            tables[i % 2].save(path)
    finally:
        stop.set()
        reader.join(timeout=30)
    assert not errors and seen <= {100, 101} and seen


def test_analyze_command_builds_the_idf_table_when_due(db_url, tmp_path):
    from sentiment.keywords import IdfTable
    from storage.engine import make_engine, make_session_factory

    runner = CliRunner()
    base = ["--config", str(REPO_CONFIG), "--database-url", db_url, "--set", f"data_dir={tmp_path}",
            "--set", "analysis.idf_min_store_docs=3"]
    assert runner.invoke(cli, [*base, "db", "upgrade"]).exit_code == 0
    engine = make_engine(db_url)
    _add_posts(make_session_factory(engine), TEXTS)
    path = tmp_path / "idf_store.json.gz"
    off = runner.invoke(cli, [*base, "--set", "analysis.idf_auto_refresh=false", "analyze", "--once"])
    assert off.exit_code == 0, off.output
    assert not path.exists()
    _add_posts(make_session_factory(engine), ["网络谣言已被辟谣"], start=100)
    result = runner.invoke(cli, [*base, "analyze", "--once"])
    assert result.exit_code == 0, result.output
    assert IdfTable.load(path).meta["store_posts"] == len(TEXTS) + 1
    engine.dispose()
