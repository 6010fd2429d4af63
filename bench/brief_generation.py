"""Daily-brief generation time against the day's volume: facts + charts, then HTML, DOCX and PDF.

Each store is a SQLite file holding one day of N posts (a third of them comments, 90 % analysed, keywords and
categories from small pools, 40 issues with level changes) and the day before it at half the volume. The daily
brief of that day is built and rendered ``--repeats`` times; medians are printed by wall clock and by CPU
time of this process (the steadier figure on a shared machine), with the ratio of each store's figure to the
smallest store's, measured in the same run. A brief's layout does not grow with the volume (top-k tables,
hourly buckets), so the rendering columns should stay flat and only the facts column grow.

    .venv/bin/python bench/brief_generation.py [--sizes 2000,20000,100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from publisher.briefs import render
from publisher.briefs.daily import build_daily
from storage import migrate
from storage.engine import make_engine, make_session_factory, session_scope
from storage.models import Analysis, Issue, IssueLevelChange, IssueMember, Post, Source
from zhengyu.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 2)
WORDS = ["派出所", "民警", "执法", "法院", "执行难", "诈骗", "反诈", "调解", "律师", "信访", "监控", "通报", "看守所",
         "交警", "检察院", "公益诉讼", "普法", "社区矫正", "扫黑除恶", "网络谣言"]
CATEGORIES = ["涉警", "涉法涉诉", "涉检", "司法行政", "监所", "电信网络诈骗", "网络谣言"]
REGIONS = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", None]
GENERATED = datetime(2026, 11, 3, 0, 5, tzinfo=timezone.utc)


def build_store(path: Path, posts_per_day: int, seed: int = 7) -> str:
    """A SQLite store with the day (``posts_per_day``) and the day before (half as many); returns its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(seed)
    start = datetime(2026, 11, 2, tzinfo=TZ).astimezone(timezone.utc)
    with engine.begin() as conn:
        source_ids = [conn.execute(insert(Source).values(name=f"s{i}", family=family)).inserted_primary_key[0]
                      for i, family in enumerate(["weibo", "forum", "news", "rss", "message_board"])]
        rows, analyses, number = [], [], 0
        for day_offset, count in ((0, posts_per_day), (-1, posts_per_day // 2)):
            for _ in range(count):
                number += 1
                at = start + timedelta(days=day_offset, seconds=rng.randrange(86400))
                rows.append({"id": number, "source_id": rng.choice(source_ids), "platform": f"p{number % 6}",
                             "external_id": str(number), "kind": "comment" if number % 3 == 0 else "post",
                             "url": f"https://example.cn/{number}", "author_type": "netizen",
                             "region": rng.choice(REGIONS), "text": "、".join(rng.sample(WORDS, 3)) + "相关讨论",
                             "text_raw": "", "published_at": at, "fetched_at": at, "likes": rng.randrange(500),
                             "reposts": rng.randrange(50), "comments_count": rng.randrange(20),
                             "content_hash": str(number), "deleted": False, "extra": {}})
                if rng.random() < 0.9:
                    analyses.append({"post_id": number, "label": rng.choice(["neg", "neu", "neu", "pos"]),
                                     "score": 0.5, "model_version": "bench",
                                     "keywords": rng.sample(WORDS, 4), "categories": rng.sample(CATEGORIES, 1),
                                     "analyzed_at": at})
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(Post), rows[chunk:chunk + 5000])
        for chunk in range(0, len(analyses), 5000):
            conn.execute(insert(Analysis), analyses[chunk:chunk + 5000])
        for i in range(40):
            issue_id = conn.execute(insert(Issue).values(
                signature=f"i{i}", title=f"舆情事件{i}", keywords=rng.sample(WORDS, 3), first_seen_at=start,
                last_seen_at=start + timedelta(hours=20), level=rng.choice(["red", "yellow", "green"]),
                heat=rng.random() * 80)).inserted_primary_key[0]
            members = rng.sample(range(1, posts_per_day + 1), min(posts_per_day, 200))
            conn.execute(insert(IssueMember), [{"issue_id": issue_id, "post_id": m} for m in members])
            conn.execute(insert(IssueLevelChange), [{"issue_id": issue_id, "at": start + timedelta(hours=h),
                                                     "from_level": None, "to_level": "green", "reason": "bench",
                                                     "rules_version": "bench"} for h in (1, 9)])
    engine.dispose()
    return url


def timed(call) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(url: str, repeats: int) -> dict[str, tuple[float, float]]:
    settings = load_settings(REPO_ROOT / "config", {"database": {"url": url}})
    factory = make_session_factory(make_engine(url))
    samples: dict[str, list[tuple[float, float]]] = {"facts+charts": [], "html": [], "docx": [], "pdf": []}
    for _ in range(repeats):
        with session_scope(factory) as session:
            wall, cpu, brief = timed(lambda: build_daily(session, settings, DAY, year=2026, number=1,
                                                         generated_at=GENERATED))
        samples["facts+charts"].append((wall, cpu))
        for fmt in ("html", "docx", "pdf"):
            wall, cpu, _ = timed(lambda: render.render(brief, fmt))
            samples[fmt].append((wall, cpu))
    return {name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for name, runs in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000", help="Posts in the day, comma-separated.")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory(prefix="zhengyu-bench-briefs-") as tmp:
        for size in sizes:
            url = build_store(Path(tmp) / f"day{size}.db", size)
            results[size] = measure(url, args.repeats)
    base = results[sizes[0]]
    print(f"daily brief generation, median of {args.repeats} (wall s / CPU s; × = CPU time against "
          f"{sizes[0]} posts)")
    print(f"{'posts/day':>10}  " + "  ".join(f"{name:>24}" for name in base))
    for size in sizes:
        cells = []
        for name, (wall, cpu) in results[size].items():
            ratio = cpu / base[name][1] if base[name][1] else float("nan")
            cells.append(f"{wall:7.2f} / {cpu:6.2f} ×{ratio:5.2f}")
        print(f"{size:>10}  " + "  ".join(f"{cell:>24}" for cell in cells))


if __name__ == "__main__":
    main()
