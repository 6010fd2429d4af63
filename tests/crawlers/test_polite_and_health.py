"""robots.txt is obeyed, failing sources are recorded and alerted on, and ``zhengyu crawl --status`` shows it."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from crawlers.sample_site import start_sample_site
from storage.engine import make_session_factory, session_scope
from storage.models.alerts import Alert
from storage.models.collection import CrawlRun, Source
from tests.crawlers.helpers import run_crawl, weibo_source, write_config
from tests.servers import free_port
from zhengyu.clock import FrozenClock

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    handle = start_sample_site(seed=3, posts_per_minute=2, clock=FrozenClock(T0), start=T0, backlog_posts=5,
                               incidents=[], flaky=False)
    yield handle
    handle.stop()


def test_disallowed_paths_are_never_fetched_and_failures_raise_one_alert(site, engine, db_url, tmp_path):
    blocked = {"name": "blocked_board", "family": "message_board", "platform": "board_sample",
               "base_url": site.url, "throttle": "fast", "options": {"lists": ["/private/board/list?page=1"]}}
    down = weibo_source(f"http://127.0.0.1:{free_port()}", name="down_weibo")
    config = write_config(tmp_path, [blocked, down, weibo_source(site.url)], failure_alert_after=2)

    first = run_crawl(config, db_url, "blocked_board", "down_weibo", "t_weibo", check=False)
    assert first.returncode == 1
    assert "t_weibo：完成" in first.stdout
    assert "blocked_board：失败" in first.stderr and "down_weibo：失败" in first.stderr
    assert "/robots.txt" in site.requests
    assert not [path for path in site.requests if path.startswith("/private/")]
    assert site.app.user_agents == {"ZhengyuBot/0.1 (+public-opinion research; contact: see robots policy)"}
    second = run_crawl(config, db_url, "blocked_board", "down_weibo", check=False)
    assert second.returncode == 1 and "已记录采集故障告警" in second.stderr
    third = run_crawl(config, db_url, "down_weibo", check=False)
    assert third.returncode == 1

    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        alerts = s.execute(select(Alert).order_by(Alert.id)).scalars().all()
        assert sorted(a.detail["source"] for a in alerts) == ["blocked_board", "down_weibo"]  # one per streak
        assert all(a.kind == "collection_failure" and a.status == "pending" for a in alerts)
        down_row = s.execute(select(Source).where(Source.name == "down_weibo")).scalar_one()
        assert down_row.consecutive_failures == 3 and down_row.last_ok_at is None
        assert "没有取得任何有效响应" in down_row.last_error
        ok_row = s.execute(select(Source).where(Source.name == "t_weibo")).scalar_one()
        assert ok_row.consecutive_failures == 0 and ok_row.last_ok_at is not None
        statuses = [r.status for r in s.execute(select(CrawlRun).where(CrawlRun.source_id == down_row.id))
                    .scalars()]
        assert statuses == ["failed", "failed", "failed"]

    status = run_crawl(config, db_url, "--status")
    lines = status.stdout.splitlines()
    assert lines[0].split()[:3] == ["采集源", "类型", "启用"]
    down_line = next(line for line in lines if line.startswith("down_weibo"))
    assert "从未成功" in down_line and "异常" in down_line
    assert "正常" in next(line for line in lines if line.startswith("t_weibo"))
