"""Cached read-only queries for the dashboard pages (SQLAlchemy expressions; pages never hold SQL).

Every function takes the database URL and plain, hashable filter values, so ``st.cache_data`` can key on
them. The cache lives a few seconds only: the store grows while the dashboard is open, and each page
re-reads it on its refresh cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy import BigInteger, Engine, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from publisher.states import ISSUE_STATUS_NAMES
from sentiment.detect.rules import LEVEL_COLOUR_NAMES, RulesError, load_rules
from storage.engine import make_engine
from storage.models import Analysis, Issue, Post

CACHE_TTL_S = 5
COMMENT_KINDS = ("comment", "reply", "official_reply")
SENTIMENT_NAMES = {"neg": "负面", "neu": "中性", "pos": "正面"}
KIND_NAMES = {
    "post": "帖子", "comment": "评论", "reply": "回复", "article": "文章", "message": "留言",
    "official_reply": "官方回复",
}
PLATFORM_NAMES = {
    "weibo": "微博", "weibo_sample": "微博（样例站点）", "tieba": "贴吧",
    "forum": "论坛", "news": "新闻网站", "rss": "RSS 订阅", "message_board": "留言板",
}
STATUS_NAMES = ISSUE_STATUS_NAMES
# Volume buckets, finest first; the chart uses the finest that keeps it to about MAX_BUCKETS bars.
BUCKET_STEPS_S = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400)
MAX_BUCKETS = 48


class epoch_seconds(FunctionElement):
    """Seconds since 1970 (UTC) of a UTCDateTime column, so volume buckets are computed in the database."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # UTCDateTime stores naive UTC text on SQLite; strftime reads it as UTC. (sqlite3's paramstyle is qmark,
    # so the percent sign is not doubled here.)
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


@st.cache_resource(show_spinner=False, on_release=lambda engine: engine.dispose())
def get_engine(db_url: str) -> Engine:
    """One engine per database URL for the whole dashboard process."""
    return make_engine(db_url)


def _post_time():
    """When a post happened: its publish time, else when we fetched it."""
    return func.coalesce(Post.published_at, Post.fetched_at)


def _filtered(stmt, since: datetime | None, platforms: tuple[str, ...]):
    if since is not None:
        stmt = stmt.where(_post_time() >= since)
    if platforms:
        stmt = stmt.where(Post.platform.in_(platforms))
    return stmt


@dataclass(frozen=True)
class OverviewCounts:
    posts: int
    comments: int
    analysed: int
    negative: int
    neutral: int
    positive: int
    latest_fetch: datetime | None

    @property
    def total(self) -> int:
        return self.posts + self.comments

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.analysed if self.analysed else None


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def platforms(db_url: str) -> list[str]:
    """Platforms present in the store, for the platform filter."""
    with get_engine(db_url).connect() as conn:
        return [row[0] for row in conn.execute(select(Post.platform).distinct().order_by(Post.platform))]


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def overview_counts(db_url: str, since: datetime | None, platforms: tuple[str, ...] = ()) -> OverviewCounts:
    """Posts, comments and their sentiment labels within the filters."""
    is_comment = Post.kind.in_(COMMENT_KINDS)
    with get_engine(db_url).connect() as conn:
        by_kind = dict(conn.execute(
            _filtered(select(is_comment, func.count()).group_by(is_comment), since, platforms)
        ).all())
        by_label = dict(conn.execute(
            _filtered(select(Analysis.label, func.count()).join(Post, Post.id == Analysis.post_id)
                      .group_by(Analysis.label), since, platforms)
        ).all())
        latest = conn.execute(_filtered(select(func.max(Post.fetched_at)), since, platforms)).scalar()
    return OverviewCounts(
        posts=by_kind.get(False, 0), comments=by_kind.get(True, 0), analysed=sum(by_label.values()),
        negative=by_label.get("neg", 0), neutral=by_label.get("neu", 0), positive=by_label.get("pos", 0),
        latest_fetch=latest,
    )


def sentiment_share_frame(counts: OverviewCounts) -> pd.DataFrame:
    """情感 / 条数 / 占比 rows in the fixed order 负面, 中性, 正面."""
    values = [counts.negative, counts.neutral, counts.positive]
    total = sum(values)
    return pd.DataFrame({
        "情感": [SENTIMENT_NAMES[k] for k in ("neg", "neu", "pos")],
        "条数": values,
        "占比": [v / total if total else 0.0 for v in values],
    })


def choose_bucket_s(first: datetime | None, last: datetime | None) -> int:
    """The finest bucket width that spreads ``first..last`` over at most MAX_BUCKETS bars."""
    if first is None or last is None:
        return BUCKET_STEPS_S[0]
    span = (last - first).total_seconds()
    for step in BUCKET_STEPS_S:
        if span / step <= MAX_BUCKETS:
            return step
    return BUCKET_STEPS_S[-1]


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def volume_series(db_url: str, since: datetime | None, platforms: tuple[str, ...] = (),
                  timezone: str = "Asia/Shanghai") -> tuple[pd.DataFrame, int]:
    """Posts and comments per time bucket: a frame of 时间 (local time), 类型 (帖子/评论), 条数; and the width."""
    moment = _post_time()
    with get_engine(db_url).connect() as conn:
        first, last = conn.execute(_filtered(select(func.min(moment), func.max(moment)), since, platforms)).one()
        bucket_s = choose_bucket_s(first, last)
        epoch = epoch_seconds(moment)
        # A literal, not a bound parameter: PostgreSQL must see the GROUP BY expression as the selected one.
        width = literal_column(str(int(bucket_s)), BigInteger())
        bucket = (epoch - epoch % width).label("bucket")
        is_comment = Post.kind.in_(COMMENT_KINDS).label("is_comment")
        rows = conn.execute(
            _filtered(select(bucket, is_comment, func.count()).group_by(bucket, is_comment), since, platforms)
        ).all()
    frame = pd.DataFrame(rows, columns=["bucket", "is_comment", "条数"])
    if frame.empty:
        return pd.DataFrame({"时间": pd.Series(dtype="datetime64[ns]"), "类型": [], "条数": []}), bucket_s
    frame["时间"] = pd.to_datetime(frame["bucket"].astype("int64"), unit="s", utc=True).dt.tz_convert(timezone)
    frame["时间"] = frame["时间"].dt.tz_localize(None)
    frame["类型"] = frame["is_comment"].map({True: "评论", False: "帖子", 1: "评论", 0: "帖子"})
    frame["条数"] = frame["条数"].astype(int)
    return frame[["时间", "类型", "条数"]].sort_values(["时间", "类型"]).reset_index(drop=True), bucket_s


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def latest_posts(db_url: str, since: datetime | None, platforms: tuple[str, ...] = (), limit: int = 20,
                 timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    """The newest posts and comments with their sentiment (empty 情感 when not analysed yet)."""
    moment = _post_time().label("moment")
    stmt = _filtered(
        select(moment, Post.platform, Post.kind, Post.title, Post.text, Analysis.label, Analysis.score)
        .outerjoin(Analysis, Analysis.post_id == Post.id)
        .order_by(moment.desc(), Post.id.desc()).limit(limit),
        since, platforms,
    )
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(stmt).all()
    columns = ["时间", "平台", "类型", "内容", "情感", "正面概率"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["moment", "platform", "kind", "title", "text", "label", "score"])
    frame["时间"] = pd.to_datetime(frame["moment"], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    frame["平台"] = frame["platform"].map(lambda p: PLATFORM_NAMES.get(p, p))
    frame["类型"] = frame["kind"].map(lambda k: KIND_NAMES.get(k, k))
    frame["内容"] = [_excerpt(title, text) for title, text in zip(frame["title"], frame["text"])]
    frame["情感"] = frame["label"].map(lambda label: SENTIMENT_NAMES.get(label, "待分析"))
    frame["正面概率"] = frame["score"].astype(float)
    return frame[columns]


def _excerpt(title: str | None, text: str | None, width: int = 120) -> str:
    body = " ".join(part for part in (title, text) if part)
    body = " ".join(body.split())
    return body if len(body) <= width else body[: width - 1] + "…"


@dataclass(frozen=True)
class IssueRow:
    """One open issue as the overview lists it."""

    id: int
    title: str
    level: str | None
    level_name: str
    colour: str
    reason: str | None
    heat: float
    post_count: int
    negative_share: float
    status: str
    keywords: tuple[str, ...]
    first_flagged_at: datetime | None
    response_due_at: datetime | None


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def level_names(rules_file: str | None) -> dict[str, str]:
    """Level code → name from the warning-rule table (both schemes), the defaults where it cannot be read."""
    names = dict(LEVEL_COLOUR_NAMES)
    if rules_file:
        try:
            for scheme in ("four", "three"):
                names.update({level.code: level.name for level in load_rules(rules_file, scheme).levels})
        except RulesError:
            pass  # the defaults; the detector itself reports a broken table
    return names


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def current_issues(db_url: str, limit: int = 10, rules_file: str | None = None) -> list[IssueRow]:
    """Issues not closed, most severe level first, then hottest."""
    names = level_names(rules_file)
    rank = {code: i for i, code in enumerate(LEVEL_COLOUR_NAMES)}  # most severe first
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(
            select(Issue.id, Issue.title, Issue.level, Issue.level_reason, Issue.heat, Issue.post_count,
                   Issue.negative_share, Issue.status, Issue.keywords, Issue.first_flagged_at,
                   Issue.response_due_at)
            .where(Issue.status != "closed").order_by(Issue.heat.desc(), Issue.id.desc()).limit(200)
        ).all()
    issues = [IssueRow(
        id=r.id, title=r.title, level=r.level, level_name=names.get(r.level or "", "未定级"),
        colour=r.level if r.level in LEVEL_COLOUR_NAMES else "gray",  # the codes are Streamlit colours
        reason=r.level_reason, heat=float(r.heat or 0.0), post_count=int(r.post_count or 0), negative_share=float(r.negative_share or 0.0),
        status=STATUS_NAMES.get(r.status, r.status), keywords=tuple(r.keywords or ())[:6],
        first_flagged_at=r.first_flagged_at, response_due_at=r.response_due_at,
    ) for r in rows]
    issues.sort(key=lambda i: (rank.get(i.level or "", len(rank)), -i.heat, -i.id))
    return issues[:limit]
