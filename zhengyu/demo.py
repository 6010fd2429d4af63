"""``zhengyu demo``: a live system on embedded defaults, in one command.

The parent process owns the database schema and the schedule; the work runs in children of the same
interpreter, each with the parent's settings in its environment:

* the bundled sample site (``python -m crawlers.sample_site``), whose content keeps arriving;
* every ``demo.crawl_interval_s``: one crawl round (``zhengyu crawl demo_weibo``), then analysis of what is
  new (``zhengyu analyze --once``), then emerging-issue detection (``zhengyu detect``, the production path:
  no warm-up, so the incident the sample site has under way at start is an issue within the first rounds);
* the Streamlit dashboard reading the same store.

The first round runs at once, so the dashboard has data when its URL is announced. Ctrl-C or SIGTERM
stops every child and returns normally.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from zhengyu.errors import ZhengyuError
from zhengyu.processes import (
    Child,
    ChildProcesses,
    StopOnSignals,
    child_environment,
    cli_command,
    dashboard_url,
    log_tail,
    pick_free_port,
    port_answers,
    resolve_dashboard_port,
    streamlit_command,
    url_answers,
    wait_until,
)
from zhengyu.settings import Settings

log = logging.getLogger(__name__)

DEMO_SOURCE = "demo_weibo"
COMMENT_KINDS = ("comment", "reply")
SITE_START_TIMEOUT_S = 60.0
DASHBOARD_START_TIMEOUT_S = 120.0
# A crawl of the sample site takes seconds; this only guards against a hung child.
STEP_TIMEOUT_S = 600.0
DETECT_MAX_FAILURES = 3


@dataclass(frozen=True)
class StoreCounts:
    posts: int
    comments: int
    analysed: int
    open_issues: int = 0


def store_counts(session_factory) -> StoreCounts:
    """How many posts, comments and analyses the store holds (for the per-round progress line)."""
    from storage.models import Analysis, Issue, Post

    with session_factory() as session:
        posts = session.scalar(select(func.count()).select_from(Post).where(Post.kind.not_in(COMMENT_KINDS)))
        comments = session.scalar(select(func.count()).select_from(Post).where(Post.kind.in_(COMMENT_KINDS)))
        analysed = session.scalar(select(func.count()).select_from(Analysis))
        issues = session.scalar(select(func.count()).select_from(Issue).where(Issue.status != "closed"))
    return StoreCounts(posts=posts or 0, comments=comments or 0, analysed=analysed or 0, open_issues=issues or 0)


class DemoRunner:
    """One demo session: its children, its schedule and its progress lines."""

    def __init__(self, settings: Settings, config_dir: Path | str, say: Callable[[str], None]):
        self.settings = settings
        self.config_dir = Path(config_dir)
        self.say = say
        self.log_dir = settings.data_dir.resolve() / "logs" / "demo"
        self.children = ChildProcesses(child_environment(settings, config_dir), log_dir=self.log_dir)
        self.detect_enabled = True
        self.detect_failures = 0
        self.rounds = 0
        self._session_factory = None

    def prepare_store(self) -> None:
        from storage import migrate
        from storage.engine import make_engine, make_session_factory

        db = self.settings.database
        engine = make_engine(self.settings.database_url, echo=db.echo,
                             sqlite_busy_timeout_ms=db.sqlite_busy_timeout_ms)
        migrate.upgrade(engine)
        self._session_factory = make_session_factory(engine)

    def start_site(self, stop) -> str:
        demo = self.settings.demo
        port = demo.site_port or pick_free_port()
        child = self.children.start("sample_site", [
            sys.executable, "-m", "crawlers.sample_site", "--port", str(port), "--seed", str(demo.seed),
            "--posts-per-minute", str(demo.posts_per_minute),
        ])
        if not wait_until(lambda: port_answers("127.0.0.1", port) or not child.alive(), SITE_START_TIMEOUT_S, stop):
            if stop.is_set():
                return ""
            raise ZhengyuError(f"样例站点在 {SITE_START_TIMEOUT_S:.0f} 秒内未能启动，日志见 {child.log_path}")
        if not child.alive():
            raise ZhengyuError(f"样例站点启动失败（退出码 {child.process.returncode}）：{child.log_tail(1)}；"
                               f"完整日志见 {child.log_path}")
        return f"http://127.0.0.1:{port}"

    def run_step(self, name: str, argv: list[str], stop) -> bool:
        """Run one step of a round; a failure is reported and the demo goes on."""
        code = self.children.run(name, argv, stop, STEP_TIMEOUT_S)
        if code is None or code == 0:
            return code == 0
        log_path = self.log_dir / f"{name}.log"
        tail = log_tail(log_path, 1)
        log.warning("第 %d 轮的 %s 步骤失败（退出码 %s）：%s；完整日志见 %s", self.rounds, name, code, tail, log_path)
        return False

    def run_round(self, site_url: str, stop, on_stored: Callable[[], None] | None = None) -> None:
        """Crawl, analyse, (``on_stored``), detect, then report the store's totals."""
        self.rounds += 1
        before = store_counts(self._session_factory)
        self.run_step("crawl", cli_command("crawl", DEMO_SOURCE, "--base-url", site_url), stop)
        if stop.is_set():
            return
        self.run_step("analyze", cli_command("analyze", "--once"), stop)
        if stop.is_set():
            return
        if on_stored is not None:
            on_stored()
        if self.detect_enabled and not stop.is_set():
            # The production detection path (``zhengyu detect``: catch up from the store, one tick, system
            # clock). Its cold start needs no history, so the sample site's first incident is an issue within
            # the first rounds. A step that keeps failing is dropped so the rest of the demo goes on.
            if self.run_step("detect", cli_command("detect"), stop):
                self.detect_failures = 0
            elif not stop.is_set():
                self.detect_failures += 1
                if self.detect_failures >= DETECT_MAX_FAILURES:
                    self.detect_enabled = False
                    log.warning("研判（zhengyu detect）连续 %d 次失败，本次演示中跳过该步骤", self.detect_failures)
        if stop.is_set():
            return
        after = store_counts(self._session_factory)
        new = (after.posts + after.comments) - (before.posts + before.comments)
        self.say(f"第 {self.rounds} 轮：累计帖子 {after.posts} 条、评论 {after.comments} 条，"
                 f"已分析 {after.analysed} 条（本轮新增 {new} 条），在研话题 {after.open_issues} 个")

    def announce_dashboard(self, dashboard: Child, url: str, started: float, stop) -> None:
        """Wait for the dashboard to answer, then print its URL (the first round is stored by then)."""
        health = f"{url}/_stcore/health"
        if not wait_until(lambda: url_answers(health) or not dashboard.alive(), DASHBOARD_START_TIMEOUT_S, stop):
            if stop.is_set():
                return
            raise ZhengyuError(f"仪表盘在 {DASHBOARD_START_TIMEOUT_S:.0f} 秒内未能启动，日志见 {dashboard.log_path}")
        self.check_children()
        self.say(f"仪表盘已就绪：{url}   （启动用时 {time.monotonic() - started:.1f} 秒）")

    def check_children(self) -> None:
        dead = self.children.first_dead()
        if dead is not None:
            raise ZhengyuError(f"{dead.name} 进程意外退出（退出码 {dead.process.returncode}）：{dead.log_tail(1)}；"
                               f"完整日志见 {dead.log_path}")


def run_demo(settings: Settings, config_dir: Path | str, dashboard_port: int | None = None,
             with_dashboard: bool = True, echo: Callable[[str], None] | None = None) -> None:
    """Run the demo until Ctrl-C or SIGTERM; ``echo`` receives the lines meant for the user (Chinese)."""
    say = echo or log.info
    started = time.monotonic()
    runner = DemoRunner(settings, config_dir, say)
    port = resolve_dashboard_port(settings, dashboard_port) if with_dashboard else None
    with StopOnSignals() as stop:
        try:
            say(f"正在启动政舆演示（数据库：{settings.database_url}）……")
            runner.prepare_store()
            site_url = runner.start_site(stop)
            announce = None
            if port is not None and not stop.is_set():
                dashboard = runner.children.start("dashboard", streamlit_command(settings.dashboard.host, port))
                url = dashboard_url(settings, port)
                announce = functools.partial(runner.announce_dashboard, dashboard, url, started, stop)
            if not stop.is_set():
                # The first round runs at once, so the dashboard has data when its URL is printed.
                runner.run_round(site_url, stop, on_stored=announce)
            next_round = started + settings.demo.crawl_interval_s
            if not stop.is_set():
                say(f"样例站点：{site_url}；每 {settings.demo.crawl_interval_s:g} 秒采集一轮；"
                    f"子进程日志在 {runner.log_dir}。按 Ctrl-C 停止。")
            while not stop.is_set():
                runner.check_children()
                if stop.wait(max(0.0, min(1.0, next_round - time.monotonic()))):
                    break
                if time.monotonic() >= next_round:
                    next_round = time.monotonic() + settings.demo.crawl_interval_s
                    runner.run_round(site_url, stop)
        finally:
            say("正在停止演示……")
            runner.children.stop_all()
    say("演示已停止，所有子进程均已退出。")
