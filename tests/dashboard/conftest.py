"""Dashboard test fixtures: a store filled with real rows, and caches that never leak between tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import streamlit as st

from dashboard import queries
from tests.dashboard.seed import seed_store


@pytest.fixture(autouse=True)
def _fresh_dashboard_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    queries.get_engine.clear()  # disposes the engines (on_release)


@pytest.fixture
def seeded(session_factory):
    """The seeded store, relative to the current time (the pages filter relative to now)."""
    return seed_store(session_factory, datetime.now(timezone.utc).replace(microsecond=0))
