"""Fixtures of the brief tests: settings on a temp data dir, the replayed day in the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publisher.briefs.inspect_docs import ProbeServer
from tests.publisher.briefs.seed import seed_day
from zhengyu.settings import load_settings

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


@pytest.fixture
def brief_settings(tmp_path, db_url):
    def make(**extra):
        overrides = {"data_dir": str(tmp_path / "data"), "database": {"url": db_url}, "timezone": "Asia/Shanghai",
                     "briefs": {"issuing_unit": "某市委政法委网络舆情中心", **extra.pop("briefs", {})}}
        overrides.update(extra)
        return load_settings(CONFIG_DIR, overrides)

    return make


@pytest.fixture
def probe():
    """Where the hostile posts' images point: a brief that loads anything shows up in ``probe.requests``."""
    with ProbeServer() as server:
        yield server


@pytest.fixture
def seeded(session_factory, probe):
    return seed_day(session_factory, probe.base)
