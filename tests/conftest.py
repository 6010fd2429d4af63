"""Shared fixtures: real databases (SQLite and PostgreSQL), real Redis, settings on a temp data dir."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate
from storage.engine import make_engine, make_session_factory
from tests.servers import start_postgres, start_redis

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
_db_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database of each backend; every storage test runs on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zhengyu.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t{next(_db_counter)}_{abs(hash(request.node.nodeid)) % 10**8}"
    admin = make_engine(server.url(), echo=False)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield server.url(name)


@pytest.fixture
def engine(db_url):
    """An engine on a migrated database."""
    eng = make_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}; the tests need ../shared/data beside the checkout")
    return SHARED_DATA
