"""``python -m crawlers.sample_site --port P [--seed S] [--posts-per-minute R] [--start ISO]``."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from datetime import datetime, timezone

from crawlers.sample_site import DEFAULT_SEED, start_sample_site
from zhengyu.clock import FrozenClock

log = logging.getLogger("crawlers.sample_site")


def _parse_start(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawlers.sample_site", description="Zhengyu's local sample site.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--posts-per-minute", type=float, default=20.0)
    parser.add_argument("--start", type=_parse_start, default=None,
                        help="ISO 8601 start of the stream (default: now); naive times are UTC.")
    parser.add_argument("--backlog-posts", type=int, default=40)
    parser.add_argument("--frozen-at", type=_parse_start, default=None,
                        help="Freeze the site's clock at this ISO 8601 time (reproducible benchmarks).")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    clock = FrozenClock(args.frozen_at) if args.frozen_at else None
    handle = start_sample_site(port=args.port, seed=args.seed, posts_per_minute=args.posts_per_minute,
                               start=args.start, host=args.host, backlog_posts=args.backlog_posts, clock=clock)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("serving %s", handle.url)
    stop.wait()
    handle.stop()


if __name__ == "__main__":
    main()
