"""Politeness precedence: global limits bound every profile, robots.txt Crawl-delay is honoured, and the local
profiles are refused for any host that is not on the allow-list."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from crawlers.politeness import effective_throttle
from crawlers.sample_site import start_sample_site
from crawlers.sources import SourceConfig
from tests.crawlers.helpers import run_crawl, weibo_source, write_config
from zhengyu.cli import cli
from zhengyu.clock import FrozenClock
from zhengyu.errors import ConfigError
from zhengyu.settings import load_settings

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def source(base_url: str, throttle) -> SourceConfig:
    return SourceConfig(name="s", family="weibo", platform="p", base_url=base_url, throttle=throttle)


def crawl_settings(tmp_path, **crawl):
    return load_settings(tmp_path, {"crawl": crawl}).crawl


def test_global_limits_bound_every_profile(tmp_path):
    none = crawl_settings(tmp_path)
    assert effective_throttle(source("http://127.0.0.1:8800", "fast"), none).delay_s == 0.0
    floor = crawl_settings(tmp_path, download_delay_s=2, concurrent_requests_per_domain=2, autothrottle=True)
    fast = effective_throttle(source("http://127.0.0.1:8800", "fast"), floor)
    assert (fast.delay_s, fast.concurrency, fast.autothrottle) == (2.0, 2, True)
    gentle = effective_throttle(source("https://www.example.cn", "gentle"), floor)
    assert gentle.delay_s == 3.0 and gentle.concurrency == 1  # stricter than the floor: the profile wins
    # A global setting can never make a profile less polite.
    off = crawl_settings(tmp_path, autothrottle=False, concurrent_requests_per_domain=8)
    polite = effective_throttle(source("https://www.example.cn", "polite"), off)
    assert polite.autothrottle is True and polite.concurrency == 1


@pytest.mark.parametrize("throttle", ["fast", "local", {"concurrency": 4, "delay_s": 0.2, "autothrottle": False}])
def test_fast_profiles_are_refused_for_real_sites(tmp_path, throttle):
    with pytest.raises(ConfigError, match="采集源 s"):
        effective_throttle(source("https://weibo.example.cn", throttle), crawl_settings(tmp_path))
    allowed = crawl_settings(tmp_path, local_hosts=["weibo.example.cn"])
    assert effective_throttle(source("https://weibo.example.cn", throttle), allowed).delay_s < 1


def test_the_crawl_command_refuses_before_fetching_anything(tmp_path):
    config = write_config(tmp_path, [weibo_source("https://weibo.example.cn", name="real_site")])
    result = CliRunner().invoke(cli, ["--config", str(config), "crawl", "real_site"])
    assert result.exit_code == 1 and "只能用于本机样例站点" in result.output


def _intervals(site) -> list[float]:
    times = [t for t, path in site.app.request_times if path != "/robots.txt"]
    return [b - a for a, b in zip(times, times[1:])]


@pytest.mark.slow
def test_crawl_delay_and_the_global_floor_space_the_requests(engine, db_url, tmp_path):
    delayed = start_sample_site(seed=3, posts_per_minute=2, clock=FrozenClock(T0), start=T0, backlog_posts=30,
                                incidents=[], flaky=False)
    plain = start_sample_site(stream=delayed.stream, clock=FrozenClock(T0), flaky=False)
    try:
        delayed.app.crawl_delay_s = 0.6
        options = {"feeds": ["102803"], "comments": False, "replies": False, "reposts": False}
        sources = [weibo_source(delayed.url, name="delayed", platform="p1", max_pages=3, options=options),
                   weibo_source(plain.url, name="plain", platform="p2", max_pages=3, options=options)]
        config = write_config(tmp_path, sources, download_delay_s=0.3)
        run_crawl(config, db_url, "delayed", "plain")
        assert len(_intervals(delayed)) >= 2 and len(_intervals(plain)) >= 2
        assert min(_intervals(delayed)) >= 0.55  # robots.txt Crawl-delay 0.6 beats the floor and the profile
        assert min(_intervals(plain)) >= 0.27  # the global floor beats the "fast" profile's 0 s
    finally:
        delayed.stop()
        plain.stop()
