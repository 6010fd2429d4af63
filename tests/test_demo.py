"""``zhengyu demo`` end to end: a real process tree, a real browser, live data, a clean Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.servers import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: dict[int, str] = {}
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            try:
                found[child] = (Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Output:
    """Collects a child's output lines in a thread so its pipe never fills."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text)
            if match:
                return match
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} within {timeout} s; output so far:\n{self.text}")


def read_metrics(page) -> dict[str, str]:
    metrics = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        metrics[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return metrics


def as_int(value: str) -> int:
    return int(value.replace(",", ""))


def wait_for_metrics(page, condition, timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    metrics: dict[str, str] = {}
    while time.monotonic() < deadline:
        metrics = read_metrics(page)
        if {"帖子", "评论", "已分析", "负面占比"} <= set(metrics) and condition(metrics):
            return metrics
        page.wait_for_timeout(500)
    raise AssertionError(f"overview metrics never met the condition; last seen: {metrics}")


def wait_for_issue(page, timeout: float) -> dict[str, str]:
    """The first issue row of the overview (its text, its level badge and the badge's colour)."""
    rows = page.locator('[data-testid="stMarkdownContainer"]', has_text=re.compile(r"热度 \d"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if rows.count():
            row = rows.first
            badge = row.locator("span", has_text=re.compile(r"^[红橙黄绿蓝]色$")).first
            if badge.count():
                return {"text": row.inner_text(), "badge": badge.inner_text().strip(),
                        "colour": badge.evaluate("e => getComputedStyle(e).backgroundColor"),
                        "page_colour": page.evaluate("() => getComputedStyle(document.body).backgroundColor")}
        page.wait_for_timeout(500)
    raise AssertionError(f"no issue on the overview within {timeout} s")


@pytest.mark.slow
@pytest.mark.timeout(360)
def test_demo_serves_a_live_overview_and_stops_cleanly(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHENGYU_")}
    command = [sys.executable, "-m", "zhengyu", "--data-dir", str(tmp_path / "data"),
               "--set", "demo.crawl_interval_s=3", "--set", "demo.posts_per_minute=120",
               "--set", "dashboard.refresh_s=2", "demo", "--port", str(port)]
    demo = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    output = Output(demo.stdout)
    seen: dict[int, str] = {}
    try:
        url = output.wait_for(r"仪表盘已就绪：(http://\S+)", timeout=120).group(1)
        assert url == f"http://127.0.0.1:{port}"
        seen = descendants(demo.pid)
        assert any("streamlit" in cmd for cmd in seen.values()), seen
        assert any("crawlers.sample_site" in cmd for cmd in seen.values()), seen

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("舆情总览").first.wait_for(timeout=60_000)
            first = wait_for_metrics(
                page, lambda m: as_int(m["帖子"]) > 0 and as_int(m["评论"]) > 0 and as_int(m["已分析"]) > 0,
                timeout=60)
            assert re.fullmatch(r"\d+(\.\d)?%", first["负面占比"]), first
            for heading in ("发布量走势", "情感分布", "最新帖子与评论"):
                assert page.get_by_text(heading).first.is_visible()
            page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
            total = as_int(first["帖子"]) + as_int(first["评论"])
            # No reload: the page refreshes itself while the demo keeps crawling.
            grown = wait_for_metrics(page, lambda m: as_int(m["帖子"]) + as_int(m["评论"]) > total, timeout=60)
            assert as_int(grown["已分析"]) >= as_int(first["已分析"])
            # The sample site has an incident under way from the start: detection (no warm-up) must list it as
            # an issue with a coloured warning-level badge within the first rounds.
            issue = wait_for_issue(page, timeout=90)
            assert "白沙镇" in issue["text"] or "执法" in issue["text"], issue
            assert re.fullmatch(r"[红橙黄绿蓝]色", issue["badge"]), issue
            assert issue["colour"] != issue["page_colour"], issue  # the badge is coloured, not plain text
            page.screenshot(path=str(tmp_path / "overview-issue.png"), full_page=True)
            browser.close()

        seen.update(descendants(demo.pid))
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0, output.text
        output._thread.join(5)
        assert "演示已停止" in output.text and "Traceback" not in output.text, output.text
        assert [pid for pid in seen if alive(pid)] == []
    finally:
        if demo.poll() is None:
            demo.kill()
        for pid in seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_children_receive_exactly_the_parents_settings(tmp_path, monkeypatch):
    from zhengyu.processes import settings_environment
    from zhengyu.settings import load_settings

    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("log_level: WARNING\ndashboard:\n  refresh_s: 30\n", encoding="utf-8")
    monkeypatch.setenv("ZHENGYU_SECRETS__AUTHOR_HASH_KEY", "k-秘钥")
    parent = load_settings(config, {"demo": {"crawl_interval_s": 2.5}, "data_dir": str(tmp_path / "d"),
                                    "crawl": {"obey_robots_txt": False}})
    env = settings_environment(parent, config)
    for key in [k for k in os.environ if k.startswith("ZHENGYU_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    child = load_settings(env["ZHENGYU_CONFIG_DIR"])
    assert child.demo.crawl_interval_s == 2.5 and child.dashboard.refresh_s == 30
    assert child.crawl.obey_robots_txt is False and child.log_level == "WARNING"
    assert child.secrets.author_hash_key.get_secret_value() == "k-秘钥"
    assert child.database_url == parent.database_url == f"sqlite:///{tmp_path / 'd' / 'zhengyu.db'}"
    # Everything else is identical; the database URL was made explicit (absolute) on the way.
    skip = {"secrets": True, "data_dir": True, "database": {"url"}}
    assert child.model_dump(exclude=skip) == parent.model_dump(exclude=skip)


def test_stopping_children_takes_their_whole_process_group(tmp_path):
    from zhengyu.processes import ChildProcesses

    children = ChildProcesses(dict(os.environ), log_dir=tmp_path / "logs", stop_timeout_s=1)
    # A child that ignores SIGTERM and has a grandchild: both must be gone after stop_all().
    script = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
              "print('ready', flush=True); time.sleep(600)")
    child = children.start("stubborn", [sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while "ready" not in (child.log_path.read_text() if child.log_path.exists() else "") \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    tree = descendants(child.pid)
    assert len(tree) == 1
    children.stop_all()
    assert not alive(child.pid) and [pid for pid in tree if alive(pid)] == []
    assert children.children == []


@pytest.mark.slow
def test_dashboard_command_serves_until_sigterm(tmp_path):
    from zhengyu.processes import url_answers

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHENGYU_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "zhengyu", "--data-dir", str(tmp_path / "data"), "dashboard", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = Output(process.stdout)
    try:
        output.wait_for(rf"仪表盘已启动：http://127\.0\.0\.1:{port}", timeout=90)
        assert url_answers(f"http://127.0.0.1:{port}/_stcore/health")
        tree = descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, output.text
        assert [pid for pid in tree if alive(pid)] == []
        assert "仪表盘已停止" in output.text and "Traceback" not in output.text
    finally:
        if process.poll() is None:
            process.kill()
