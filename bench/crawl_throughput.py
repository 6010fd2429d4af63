"""Crawl throughput: the full Zhengyu pipeline into SQLite vs a plain Scrapy spider that stores nothing.

Both crawl the same pages of the local sample site (a subprocess with a frozen clock, so every run sees the
same content): the Weibo-style feed, every post's comments (cursor paging) and every comment's replies.
Each crawl runs in its own process (Scrapy's reactor cannot restart); runs alternate, and the medians are
printed with the ratio, by wall clock and per CPU-second of the crawler process (the steadier figure on a
shared machine). Target: the full pipeline keeps at least 50 % of plain Scrapy's rate.

    .venv/bin/python bench/crawl_throughput.py [--items 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

REPO_ROOT = Path(__file__).resolve().parent.parent
FROZEN_AT = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
CONCURRENCY = 16
ITEMS_PER_POST = 4.6  # a post plus its comments and replies on the sample site, on average


def _source(base_url: str) -> dict:
    return {"name": "bench_weibo", "family": "weibo", "platform": "weibo_bench", "base_url": base_url,
            "throttle": {"concurrency": CONCURRENCY, "delay_s": 0.0, "autothrottle": False},
            "max_pages": 100000, "options": {"feeds": ["102803"]}}


def child_full(base_url: str, workdir: str) -> dict:
    """One full-pipeline crawl (normalise → validate → dedupe → store into a fresh SQLite file)."""
    import scrapy.crawler  # noqa: F401  (imported before the clock starts, as in the plain run)

    import crawlers.pipelines.store  # noqa: F401
    import crawlers.spiders.weibo  # noqa: F401
    from crawlers.runner import run_sources
    from crawlers.sources import SourceConfig
    from storage import migrate
    from storage.engine import make_engine
    from zhengyu.clock import SystemClock
    from zhengyu.settings import load_settings

    settings = load_settings(Path(workdir), {"data_dir": workdir, "log_level": "WARNING",
                                             "database": {"url": f"sqlite:///{workdir}/bench.db"},
                                             "secrets": {"author_hash_key": "bench"}})
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    source = SourceConfig(**_source(base_url))
    started, cpu = time.perf_counter(), _cpu()
    outcome = run_sources(settings, [source], clock=SystemClock(), engine=engine)[0]
    return {"items": outcome.items_new, "seconds": time.perf_counter() - started, "cpu": _cpu() - cpu,
            "status": outcome.status}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_plain(base_url: str, workdir: str) -> dict:
    """The same pages with a plain Scrapy spider: json.loads, yield dicts, no pipeline, nothing stored."""
    import logging

    import scrapy
    from scrapy.crawler import CrawlerProcess

    class PlainWeibo(scrapy.Spider):
        name = "plain_weibo"

        async def start(self):
            yield scrapy.Request(f"{base_url}/api/container/getIndex?containerid=102803&page=1", cb_kwargs={"page": 1})

        def parse(self, response, page):
            data = json.loads(response.text)
            if data.get("ok") != 1:
                return
            for card in data["data"]["cards"]:
                mblog = card["mblog"]
                yield {"id": mblog["id"], "text": mblog["text"]}
                if mblog["comments_count"]:
                    yield self.comments(mblog["id"], 0)
            if data["data"]["cardlistInfo"].get("page"):
                yield scrapy.Request(f"{base_url}/api/container/getIndex?containerid=102803&page={page + 1}",
                                     cb_kwargs={"page": page + 1})

        def comments(self, post_id, max_id):
            params = {"id": post_id, "mid": post_id, "max_id_type": 0, **({"max_id": max_id} if max_id else {})}
            return scrapy.Request(f"{base_url}/api/comments/hotflow?{urlencode(params)}", callback=self.parse_comments,
                                  cb_kwargs={"post_id": post_id})

        def parse_comments(self, response, post_id):
            data = json.loads(response.text)
            if data.get("ok") != 1:
                return
            for c in data["data"]["data"]:
                yield {"id": c["id"], "text": c["text"]}
                inline = c.get("comments") or []
                if c.get("total_number", 0) > len(inline):
                    yield scrapy.Request(f"{base_url}/api/comments/hotFlowChild?cid={c['id']}&max_id=0&max_id_type=0",
                                         callback=self.parse_replies, cb_kwargs={"cid": c["id"]})
                else:
                    for r in inline:
                        yield {"id": r["id"], "text": r["text"]}
            if data["data"].get("max_id"):
                yield self.comments(post_id, data["data"]["max_id"])

        def parse_replies(self, response, cid):
            data = json.loads(response.text)
            if data.get("ok") != 1:
                return
            for r in data["data"]:
                yield {"id": r["id"], "text": r["text"]}
            if data.get("max_id"):
                yield scrapy.Request(
                    f"{base_url}/api/comments/hotFlowChild?cid={cid}&max_id={data['max_id']}&max_id_type=0",
                    callback=self.parse_replies, cb_kwargs={"cid": cid})

    process = CrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": CONCURRENCY,
                              "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY, "DOWNLOAD_DELAY": 0,
                              "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                              "USER_AGENT": "ZhengyuBench/0.1"})
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    crawler = process.create_crawler(PlainWeibo)
    process.crawl(crawler)
    started, cpu = time.perf_counter(), _cpu()
    process.start()
    return {"items": crawler.stats.get_value("item_scraped_count", 0), "seconds": time.perf_counter() - started,
            "cpu": _cpu() - cpu, "status": "ok"}


def _run_child(mode: str, base_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="zhengyu-bench-") as workdir:
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--base-url", base_url, "--workdir", workdir],
                             cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _start_site(posts: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    minutes = 10
    start = FROZEN_AT - timedelta(minutes=minutes)
    proc = subprocess.Popen([sys.executable, "-m", "crawlers.sample_site", "--port", str(port), "--seed", "99",
                             "--posts-per-minute", str(posts / minutes), "--start", start.isoformat(),
                             "--backlog-posts", "0", "--frozen-at", FROZEN_AT.isoformat(), "--log-level", "WARNING"],
                            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="About how many items to crawl per run.")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", choices=["full", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = (child_full if args.child == "full" else child_plain)(args.base_url, args.workdir)
        print(json.dumps(result))
        return

    site, base_url = _start_site(int(args.items / ITEMS_PER_POST))
    try:
        urlopen(f"{base_url}/api/container/getIndex?containerid=102803&page=1").read()  # warm the generator
        results: dict[str, list[dict]] = {"plain": [], "full": []}
        for i in range(args.repeats):
            for mode in ("plain", "full"):
                r = _run_child(mode, base_url)
                results[mode].append(r)
                print(f"run {i + 1} {mode:5s}: {r['items']} items in {r['seconds']:.2f} s wall, {r['cpu']:.2f} s CPU "
                      f"= {r['items'] / r['seconds']:.0f} items/s ({r['status']})", flush=True)
    finally:
        site.terminate()
        site.wait(10)
    rate = {m: statistics.median(r["items"] / r["seconds"] for r in rs) for m, rs in results.items()}
    cpu_rate = {m: statistics.median(r["items"] / r["cpu"] for r in rs) for m, rs in results.items()}
    print(f"plain Scrapy (no storage): median {rate['plain']:.0f} items/s wall, {cpu_rate['plain']:.0f} items/CPU-s")
    print(f"full pipeline into SQLite: median {rate['full']:.0f} items/s wall, {cpu_rate['full']:.0f} items/CPU-s")
    print(f"ratio full/plain: {rate['full'] / rate['plain']:.1%} wall-clock, "
          f"{cpu_rate['full'] / cpu_rate['plain']:.1%} per CPU-second (target >= 50 %)")
    print(f"cpu count {os.cpu_count()}, items per run {results['full'][0]['items']}")


if __name__ == "__main__":
    main()
