"""How long ``zhengyu demo`` takes, on a fresh data directory, until its dashboard answers with data.

Usage::

    .venv/bin/python bench/demo_startup.py [--runs 3] [--browser]

Each run starts ``python -m zhengyu --data-dir <fresh temp dir> demo --port <free>`` from the repository root
and records, from the moment the process is started:

* ``store``: the first moment the SQLite store holds crawled posts and comments with a sentiment analysis;
* ``ready``: when the demo prints its dashboard URL (it does so once the first round is stored and analysed
  and the Streamlit server answers its health check);
* ``browser`` (with ``--browser``): when headless Chromium shows the overview with non-zero posts, comments
  and analysed counts.

It then stops the demo with SIGINT and records how long the clean stop took. Medians are printed; the
baseline is a bare ``streamlit run`` of the same app (interpreter and Streamlit start-up, no data), so the
ratio says what the demo's first round adds on top of the dashboard itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZHENGYU_")}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def store_has_data(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            posts = conn.execute("SELECT count(*) FROM posts WHERE kind = 'post'").fetchone()[0]
            comments = conn.execute("SELECT count(*) FROM posts WHERE kind IN ('comment', 'reply')").fetchone()[0]
            analysed = conn.execute("SELECT count(*) FROM analyses").fetchone()[0]
    except sqlite3.Error:
        return False
    return posts > 0 and comments > 0 and analysed > 0


def browser_shows_data(url: str, deadline: float) -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        try:
            while time.monotonic() < deadline:
                values = {}
                for metric in page.locator('[data-testid="stMetric"]').all():
                    label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
                    values[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
                try:
                    if all(int(values[k].replace(",", "")) > 0 for k in ("帖子", "评论", "已分析")):
                        return True
                except (KeyError, ValueError):
                    pass
                page.wait_for_timeout(200)
            return False
        finally:
            browser.close()


def one_demo_run(use_browser: bool, timeout: float = 180.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="zhengyu-bench-") as tmp:
        data = Path(tmp) / "data"
        port = free_port()
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "zhengyu", "--data-dir", str(data), "demo", "--port", str(port)],
            cwd=REPO_ROOT, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
        reader.start()
        marks: dict[str, float] = {}
        deadline = started + timeout
        try:
            while time.monotonic() < deadline and not {"store", "ready"} <= set(marks):
                now = time.monotonic() - started
                if "store" not in marks and store_has_data(data / "zhengyu.db"):
                    marks["store"] = now
                if "ready" not in marks and any("仪表盘已就绪" in line for line in list(lines)):
                    marks["ready"] = now
                if process.poll() is not None:
                    raise RuntimeError("demo exited early:\n" + "".join(lines))
                time.sleep(0.1)
            if not {"store", "ready"} <= set(marks):
                raise RuntimeError(f"demo not ready within {timeout} s:\n" + "".join(lines))
            if use_browser:
                if not browser_shows_data(f"http://127.0.0.1:{port}", deadline):
                    raise RuntimeError("the overview never showed data")
                marks["browser"] = time.monotonic() - started
            stop_at = time.monotonic()
            process.send_signal(signal.SIGINT)
            process.wait(60)
            marks["stop"] = time.monotonic() - stop_at
            if process.returncode != 0:
                raise RuntimeError(f"demo exited with {process.returncode}:\n" + "".join(lines))
        finally:
            if process.poll() is None:
                process.kill()
        return marks


def bare_dashboard_run(timeout: float = 120.0) -> float:
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"), "--server.headless",
         "true", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < timeout:
            if answers(f"http://127.0.0.1:{port}/_stcore/health"):
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError("bare streamlit never answered")
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also time the overview showing data in Chromium")
    args = parser.parse_args()
    runs = [one_demo_run(args.browser) for _ in range(args.runs)]
    baseline = statistics.median(bare_dashboard_run() for _ in range(args.runs))
    print(f"zhengyu demo on a fresh data dir, {args.runs} runs (seconds from process start; median [min–max]):")
    for key in ("store", "ready", "browser", "stop"):
        values = [run[key] for run in runs if key in run]
        if values:
            print(f"  {key:8s} {statistics.median(values):6.1f}  [{min(values):.1f}–{max(values):.1f}]")
    ready = statistics.median(run["ready"] for run in runs)
    print(f"  baseline: bare streamlit answers its health check after {baseline:.1f} s; "
          f"demo ready / baseline = {ready / baseline:.2f}")


if __name__ == "__main__":
    main()
