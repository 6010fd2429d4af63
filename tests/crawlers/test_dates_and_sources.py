"""Publish-time parsing and source configuration loading."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawlers.dates import parse_time
from crawlers.sources import THROTTLE_PROFILES, load_source_file, load_sources
from zhengyu.errors import ConfigError

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=CST)
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("shown, expected", [
    ("Sat Jun 15 11:44:46 +0800 2019", datetime(2019, 6, 15, 11, 44, 46, tzinfo=CST)),
    ("刚刚", NOW),
    ("5分钟前", NOW - timedelta(minutes=5)),
    ("2小时前", NOW - timedelta(hours=2)),
    ("昨天 23:05", datetime(2026, 3, 1, 23, 5, tzinfo=CST)),
    ("今天 08:00", datetime(2026, 3, 2, 8, 0, tzinfo=CST)),
    ("02-28", datetime(2026, 2, 28, tzinfo=CST)),
    ("06-14", datetime(2025, 6, 14, tzinfo=CST)),  # a month-day later than today is last year
    ("2026-03-01 09:15", datetime(2026, 3, 1, 9, 15, tzinfo=CST)),
    ("2026/03/01 09:15:30", datetime(2026, 3, 1, 9, 15, 30, tzinfo=CST)),
    ("2026年3月1日 09:15", datetime(2026, 3, 1, 9, 15, tzinfo=CST)),
    ("Mon, 02 Mar 2026 01:00:00 GMT", datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)),
    ("2026-03-02T09:00:00+08:00", datetime(2026, 3, 2, 9, 0, tzinfo=CST)),
])
def test_parse_time_reads_the_forms_platforms_show(shown, expected):
    parsed = parse_time(shown, "Asia/Shanghai", NOW)
    assert parsed == expected
    assert parsed.tzinfo == timezone.utc


@pytest.mark.parametrize("shown", [None, "", "   ", "不是时间", "13-45", "2026年13月45日"])
def test_parse_time_returns_none_for_what_it_cannot_read(shown):
    assert parse_time(shown, "Asia/Shanghai", NOW) is None


def test_parse_time_uses_the_configured_format_first():
    assert parse_time("01.03.2026 7h05", fmt="%d.%m.%Y %Hh%M", now=NOW) == datetime(2026, 3, 1, 7, 5, tzinfo=CST)


def test_shipped_source_files_are_valid():
    sources = load_sources(REPO_ROOT / "config" / "sources")
    assert {"demo_weibo", "demo_forum", "demo_news", "demo_gov_news", "demo_feeds", "demo_board"} <= set(sources)
    families = {s.family for s in sources.values()}
    assert families == {"weibo", "forum", "news", "rss", "message_board"}
    for source in sources.values():
        assert source.throttle_profile.concurrency >= 1


def test_source_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nfamily: telegraph\nplatform: x\nbase_url: http://127.0.0.1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml.*family"):
        load_source_file(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML"):
        load_source_file(broken)
    relative = tmp_path / "rel.yaml"
    relative.write_text("family: rss\nplatform: x\nbase_url: example.com\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="base_url"):
        load_source_file(relative)
    profile = tmp_path / "p.yaml"
    profile.write_text("family: rss\nplatform: x\nbase_url: http://h\nthrottle: reckless\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="throttle"):
        load_source_file(profile)


def test_base_url_override_and_urls(tmp_path):
    path = tmp_path / "news_site.yaml"
    path.write_text("family: news\nplatform: n\nbase_url: http://old.example/\nthrottle: polite\n"
                    "options: {lists: [/index.html]}\n", encoding="utf-8")
    source = load_source_file(path)
    assert source.name == "news_site"  # from the file name
    assert source.throttle_profile == THROTTLE_PROFILES["polite"]
    moved = source.with_base_url("http://127.0.0.1:9999")
    assert moved.url("/a/b?x=1") == "http://127.0.0.1:9999/a/b?x=1"
    assert moved.url("http://other/x") == "http://other/x"
    assert source.base_url == "http://old.example"
