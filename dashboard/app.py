"""The analysts' dashboard: ``streamlit run dashboard/app.py`` (or ``zhengyu dashboard``).

This file holds what every page shares — page setup, navigation and the sidebar filters — and hands the
filters to the pages through ``dashboard.context``. Pages are layout only, one module each under
``dashboard/views/``, and read through ``dashboard.queries``. (Not ``pages/``: a directory of that name
beside this script switches Streamlit into its legacy multipage mode, which bypasses ``st.navigation``.)
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import queries
from dashboard.context import DEFAULT_WINDOW, TIME_WINDOWS, PageContext, load_dashboard_settings, set_page_context
from dashboard.views import overview

st.set_page_config(page_title="政舆 · 舆情监测", page_icon=":material/monitoring:", layout="wide")
settings = load_dashboard_settings()
db_url = settings.database_url

page = st.navigation([
    st.Page(overview.render, title="总览", icon=":material/dashboard:", url_path="overview", default=True),
])

with st.sidebar:
    st.header("政舆 · 筛选")
    window_label = st.selectbox("时间范围", list(TIME_WINDOWS), index=list(TIME_WINDOWS).index(DEFAULT_WINDOW),
                                key="filter_window")
    try:
        known_platforms = queries.platforms(db_url)
    except SQLAlchemyError:
        known_platforms = []  # the page itself reports the database problem
    chosen = st.multiselect("平台", known_platforms, format_func=lambda p: queries.PLATFORM_NAMES.get(p, p),
                            placeholder="全部平台", key="filter_platforms")

set_page_context(PageContext(
    db_url=db_url, timezone=settings.timezone, refresh_s=settings.dashboard.refresh_s,
    window_label=window_label, window=TIME_WINDOWS[window_label], platforms=tuple(chosen),
    rules_file=str(settings.analysis.warning_rules_file),
))
page.run()
