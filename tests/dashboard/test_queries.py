"""The dashboard's read-only queries on real rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from dashboard import queries


def test_overview_counts_split_posts_comments_and_sentiment(db_url, seeded):
    week = queries.overview_counts(db_url, seeded.now - timedelta(days=7), ())
    assert (week.posts, week.comments) == (3, 4)
    assert (week.analysed, week.negative, week.neutral, week.positive) == (5, 2, 2, 1)
    assert week.negative_share == 2 / 5
    assert week.latest_fetch == seeded.now - timedelta(minutes=9)

    everything = queries.overview_counts(db_url, None, ())
    assert (everything.posts, everything.comments) == (4, 4)


def test_filters_by_platform_and_time(db_url, seeded):
    tieba = queries.overview_counts(db_url, None, ("tieba",))
    assert (tieba.posts, tieba.comments, tieba.neutral, tieba.analysed) == (1, 1, 1, 1)
    last_hour = queries.overview_counts(db_url, seeded.now - timedelta(hours=1), ())
    assert (last_hour.posts, last_hour.comments) == (1, 2)
    assert queries.platforms(db_url) == ["tieba", "weibo"]


def test_empty_store_gives_zero_counts_and_empty_frames(db_url, engine):
    counts = queries.overview_counts(db_url, None, ())
    assert counts.total == 0 and counts.negative_share is None and counts.latest_fetch is None
    frame, _ = queries.volume_series(db_url, None, ())
    assert frame.empty and list(frame.columns) == ["时间", "类型", "条数"]
    assert queries.latest_posts(db_url, None, ()).empty


def test_volume_series_buckets_in_the_database(db_url, seeded):
    frame, bucket_s = queries.volume_series(db_url, seeded.now - timedelta(days=7), (), "Asia/Shanghai")
    # 4 h 50 min of data: 15-minute buckets keep it under MAX_BUCKETS bars.
    assert bucket_s == 900
    totals = frame.groupby("类型")["条数"].sum().to_dict()
    assert totals == {"帖子": 3, "评论": 4}
    # Bucket starts are whole multiples of the width, shown in Beijing time (UTC+8).
    utc = frame["时间"].dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    assert all(int(ts.timestamp()) % bucket_s == 0 for ts in utc)
    local = pd.Timestamp(seeded.now).tz_convert("Asia/Shanghai").tz_localize(None)
    oldest = local - pd.Timedelta(hours=5, minutes=15)
    assert oldest <= frame["时间"].min() and frame["时间"].max() <= local - pd.Timedelta(minutes=10)
    # The newest bucket holds the 10-minute-old comment; the oldest the 5-hour-old post.
    assert frame.iloc[-1]["时间"] > local - pd.Timedelta(minutes=25)

    all_time, wide = queries.volume_series(db_url, None, ())
    assert wide == 6 * 3600 and all_time["条数"].sum() == 8


def test_latest_posts_carry_sentiment_in_chinese(db_url, seeded):
    frame = queries.latest_posts(db_url, seeded.now - timedelta(days=7), (), 20, "Asia/Shanghai")
    assert len(frame) == 7
    first = frame.iloc[0]
    assert (first["平台"], first["类型"], first["情感"], first["内容"]) == ("贴吧", "评论", "中性", "去窗口办理就行")
    by_text = frame.set_index("内容")
    assert by_text.loc["为民警点赞", "情感"] == "待分析"
    assert by_text.loc["法院执行难问题何时解决？当事人苦等三年", "情感"] == "负面"
    assert by_text.loc["太失望了，拖了这么久", "类型"] == "评论"
    assert by_text.loc["同感，希望有关部门重视", "类型"] == "回复"
    assert list(frame["时间"]) == sorted(frame["时间"], reverse=True)
    assert len(queries.latest_posts(db_url, None, (), 2)) == 2


def test_choose_bucket_spreads_the_span():
    from datetime import datetime, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert queries.choose_bucket_s(None, None) == 60
    assert queries.choose_bucket_s(start, start + timedelta(minutes=30)) == 60
    assert queries.choose_bucket_s(start, start + timedelta(hours=24)) == 1800
    assert queries.choose_bucket_s(start, start + timedelta(days=3000)) == 7 * 86400
