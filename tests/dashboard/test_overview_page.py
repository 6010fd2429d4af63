"""The overview page (总览) rendered by Streamlit's own test harness on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dashboard

APP = Path(dashboard.__file__).resolve().parent / "app.py"


@pytest.fixture
def run_app(monkeypatch, tmp_path):
    def run(db_url: str, **widgets) -> AppTest:
        monkeypatch.setenv("ZHENGYU_CONFIG_DIR", str(tmp_path / "config"))
        monkeypatch.setenv("ZHENGYU_DATABASE__URL", db_url)
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.run()
        for key, value in widgets.items():
            widget = app.sidebar.multiselect(key=key) if isinstance(value, list) else app.sidebar.selectbox(key=key)
            widget.set_value(value)
        if widgets:
            app.run()
        assert not app.exception, app.exception
        return app

    return run


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_overview_shows_counts_sentiment_and_latest_posts(run_app, db_url, seeded):
    app = run_app(db_url)
    assert app.title[0].value == "舆情总览"
    assert _metrics(app) == {"帖子": "3", "评论": "4", "已分析": "5", "负面占比": "40.0%"}
    assert [s.value for s in app.subheader] == ["当前话题与预警", "发布量走势", "情感分布", "最新帖子与评论"]
    assert any("暂无正在发展的话题" in c.value for c in app.caption)
    latest = app.dataframe[0].value
    assert len(latest) == 7 and latest.iloc[0]["情感"] == "中性" and latest.iloc[0]["平台"] == "贴吧"
    assert set(latest["情感"]) == {"负面", "中性", "正面", "待分析"}
    assert "最近 7 天" in app.caption[0].value
    assert not app.info  # data present: no empty state


def test_sidebar_filters_narrow_the_overview(run_app, db_url, seeded):
    app = run_app(db_url, filter_platforms=["tieba"])
    assert _metrics(app)["帖子"] == "1" and _metrics(app)["评论"] == "1"
    assert "贴吧" in app.caption[0].value
    app = run_app(db_url, filter_window="全部")
    assert _metrics(app)["帖子"] == "4"


def test_empty_store_shows_a_friendly_chinese_message(run_app, db_url, engine):
    app = run_app(db_url)
    assert "暂无数据" in app.info[0].value
    assert not app.metric and not app.dataframe


def test_unmigrated_database_is_reported_not_raised(run_app, tmp_path):
    app = run_app(f"sqlite:///{tmp_path / 'empty.db'}")
    assert "无法读取数据库" in app.error[0].value and "zhengyu db upgrade" in app.error[0].value


def test_overview_lists_open_issues_most_severe_first_with_level_colours(run_app, db_url, seeded, session_factory):
    from datetime import timedelta

    from storage.engine import session_scope
    from storage.models import Issue

    now = seeded.now
    with session_scope(session_factory) as session:
        for title, level, heat, status in (("食堂变质引发家长质疑", "green", 20.0, "new"),
                                           ("城关派出所辅警打人视频", "red", 75.5, "new"),
                                           ("早已平息的旧话题", "yellow", 50.0, "closed")):
            session.add(Issue(signature=title, title=title, keywords=["关键词"], first_seen_at=now,
                              last_seen_at=now, first_flagged_at=now - timedelta(minutes=5), post_count=42,
                              status=status, level=level, heat=heat, negative_share=0.8, created_at=now,
                              level_reason=f"规则 {level}", response_due_at=now + timedelta(hours=2)))
    app = run_app(db_url)
    texts = [m.value for m in app.markdown]
    rows = [t for t in texts if "热度" in t]
    assert len(rows) == 2 and "早已平息" not in " ".join(texts)
    assert rows[0].startswith(":red-badge[红色]") and "城关派出所辅警打人视频" in rows[0] and "75.5" in rows[0]
    assert rows[1].startswith(":green-badge[绿色]") and "食堂变质" in rows[1]
    assert any(":red-badge[红色预警] 1 个" in t for t in texts)
    assert any("规则 red" in c.value for c in app.caption)
