"""What every page shares: the settings the dashboard runs with and the filters chosen in the sidebar."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import streamlit as st

from zhengyu.errors import ConfigError
from zhengyu.settings import Settings, load_settings

CONFIG_DIR_ENV = "ZHENGYU_CONFIG_DIR"
_STATE_KEY = "zhengyu_page_context"

# Sidebar choices of the time filter; None means everything in the store.
TIME_WINDOWS: dict[str, timedelta | None] = {
    "最近 1 小时": timedelta(hours=1),
    "最近 6 小时": timedelta(hours=6),
    "最近 24 小时": timedelta(hours=24),
    "最近 7 天": timedelta(days=7),
    "最近 30 天": timedelta(days=30),
    "全部": None,
}
DEFAULT_WINDOW = "最近 7 天"


def load_dashboard_settings() -> Settings:
    """Settings from ``ZHENGYU_CONFIG_DIR`` (or ``config``) and the environment; a broken file stops the page.

    The dashboard is a process entry point like the CLI, so it alone reads its config directory from the
    environment (the CLI hands it down that way).
    """
    try:
        return load_settings(os.environ.get(CONFIG_DIR_ENV, "config"))
    except ConfigError as exc:
        st.error(f"配置有误，仪表盘无法启动：{exc}")
        st.stop()
        raise  # st.stop() raises; this line only reassures type checkers


@dataclass(frozen=True)
class PageContext:
    """Filters and settings a page reads; built by app.py on every run."""

    db_url: str
    timezone: str
    refresh_s: int
    window_label: str
    window: timedelta | None
    platforms: tuple[str, ...]
    rules_file: str | None = None  # the warning-rule table, for the level names

    def since(self, now: datetime | None = None) -> datetime | None:
        """Start of the time filter, rounded down to 10 s so cached queries are shared between reruns."""
        if self.window is None:
            return None
        moment = (now or datetime.now(timezone.utc)) - self.window
        return moment.replace(second=moment.second - moment.second % 10, microsecond=0)


def set_page_context(context: PageContext) -> None:
    st.session_state[_STATE_KEY] = context


def page_context() -> PageContext:
    context = st.session_state.get(_STATE_KEY)
    if context is None:
        st.error("页面上下文缺失：请通过 dashboard/app.py 打开仪表盘。")
        st.stop()
    return context
