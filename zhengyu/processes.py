"""Child processes of the long-running commands: settings handed down by environment, clean start and stop.

Children run in their own session (process group), so a Ctrl-C in the terminal reaches only the parent,
which then stops every child in order (SIGTERM to the child's group, SIGKILL after a grace period). That
is what lets ``zhengyu demo`` stop with no stray process and no traceback from a child caught mid-write.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Callable, Mapping

from pydantic import SecretStr

from zhengyu.errors import ZhengyuError
from zhengyu.settings import Settings, iter_setting_fields

log = logging.getLogger(__name__)

ENV_PREFIX = "ZHENGYU_"
CONFIG_DIR_ENV = "ZHENGYU_CONFIG_DIR"


def settings_environment(settings: Settings, config_dir: Path | str) -> dict[str, str]:
    """``ZHENGYU_...`` variables that make a child process load exactly ``settings``.

    The child reads the same config directory, and the environment beats YAML, so every value the parent
    resolved (including ``--set`` overrides and secrets, which belong in the environment) reaches it.
    The database URL and the data directory are made absolute so a child's working directory cannot matter.
    """
    env: dict[str, str] = {CONFIG_DIR_ENV: str(Path(config_dir).resolve())}
    for dotted, _info in iter_setting_fields():
        value: object = settings
        for part in dotted.split("."):
            value = getattr(value, part)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, Path):
            value = value.resolve()  # what the parent meant, whatever the child's working directory
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = str(value)
        env[ENV_PREFIX + dotted.upper().replace(".", "__")] = text
    env[ENV_PREFIX + "DATA_DIR"] = str(settings.data_dir.resolve())
    env[ENV_PREFIX + "DATABASE__URL"] = settings.database_url
    return env


def child_environment(settings: Settings, config_dir: Path | str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment with our ``ZHENGYU_...`` variables replaced by ``settings``."""
    inherited = dict(os.environ if base is None else base)
    for key in [k for k in inherited if k.startswith(ENV_PREFIX)]:
        del inherited[key]
    inherited.update(settings_environment(settings, config_dir))
    inherited.setdefault("PYTHONUNBUFFERED", "1")
    return inherited


def cli_command(*args: str) -> list[str]:
    """argv that runs a ``zhengyu`` subcommand with the current interpreter."""
    return [sys.executable, "-m", "zhengyu", *args]


def dashboard_app_path() -> Path:
    spec = find_spec("dashboard")
    if spec is None or not spec.submodule_search_locations:
        raise ZhengyuError("找不到 dashboard 包，请先安装本项目（pip install -e .）")
    return Path(list(spec.submodule_search_locations)[0]) / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """argv of the Streamlit server for the dashboard: headless, no telemetry, no file watching."""
    return [
        sys.executable, "-m", "streamlit", "run", str(dashboard_app_path()),
        "--server.headless", "true",
        "--server.address", host,
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
    ]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def pick_free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def display_host(host: str) -> str:
    """The host to put in a URL a user clicks (a wildcard address is not reachable as such)."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def wait_until(check: Callable[[], bool], timeout: float, stop: threading.Event | None = None,
               interval: float = 0.2) -> bool:
    """Poll ``check`` until it is true (True), the timeout passes or ``stop`` is set (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if stop is not None and stop.wait(interval):
            return False
        if stop is None:
            time.sleep(interval)
    return check()


def url_answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own localhost URL)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def port_answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((display_host(host), port)) == 0


def log_tail(path: Path, lines: int = 5) -> str:
    """The last lines of a (possibly large, still growing) log file; empty when there is none."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 8192))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass
class Child:
    """One started child process and where its output goes."""

    name: str
    process: subprocess.Popen
    log_path: Path | None = None
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 5) -> str:
        return log_tail(self.log_path, lines) if self.log_path is not None else ""

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def _live_group_members(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that are still running (zombies excluded), read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _wait_group_gone(pgid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while _live_group_members(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class ChildProcesses:
    """Starts children in their own process groups and stops them all, newest first."""

    def __init__(self, env: Mapping[str, str], log_dir: Path | None = None, stop_timeout_s: float = 10.0):
        self.env = dict(env)
        self.log_dir = log_dir
        self.stop_timeout_s = stop_timeout_s
        self.children: list[Child] = []
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, argv: list[str], *, capture: bool = True) -> Child:
        """Start ``argv``; its output goes to ``log_dir/<name>.log`` when capturing, else to our terminal."""
        log_path = None
        log_file = None
        if capture and self.log_dir is not None:
            log_path = self.log_dir / f"{name}.log"
            log_file = log_path.open("ab")
        out = log_file if log_file is not None else None
        log.debug("starting %s: %s", name, " ".join(argv))
        process = subprocess.Popen(
            argv, env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )
        child = Child(name=name, process=process, log_path=log_path, _log_file=log_file)
        self.children.append(child)
        return child

    def run(self, name: str, argv: list[str], stop: threading.Event, timeout_s: float) -> int | None:
        """Run ``argv`` to completion; returns its exit code, or None when stopped or timed out (it is killed)."""
        child = self.start(name, argv)
        try:
            deadline = time.monotonic() + timeout_s
            while child.process.poll() is None:
                if stop.wait(0.2):
                    return None
                if time.monotonic() > deadline:
                    log.warning("%s ran longer than %.0f s and was stopped", name, timeout_s)
                    return None
            return child.process.returncode
        finally:
            self._stop_child(child)
            self.children.remove(child)

    def first_dead(self) -> Child | None:
        return next((child for child in self.children if not child.alive()), None)

    def _stop_child(self, child: Child) -> None:
        if child.alive():
            child.signal_group(signal.SIGTERM)
            try:
                child.process.wait(self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0f s; killing it", child.name, self.stop_timeout_s)
                child.signal_group(signal.SIGKILL)
                child.process.wait()
        # The child's own exit says nothing of its grandchildren: make sure its whole group is gone.
        if not _wait_group_gone(child.pid, self.stop_timeout_s):
            child.signal_group(signal.SIGKILL)
            if not _wait_group_gone(child.pid, 5.0):
                log.warning("processes of %s's group survived SIGKILL", child.name)
        child.close_log()

    def stop_all(self) -> None:
        for child in reversed(self.children):
            self._stop_child(child)
        self.children.clear()


class StopOnSignals:
    """Within the block, SIGINT and SIGTERM set ``event`` instead of raising; the old handlers come back after."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    def _handle(self, signum, _frame) -> None:
        self.event.set()

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self.event

    def __exit__(self, *exc_info) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def resolve_dashboard_port(settings: Settings, port: int | None) -> int:
    """The port to serve the dashboard on: the one asked for, else dashboard.port, else a free one.

    An explicitly asked-for port that is taken is an error; a taken default port falls back to a free one.
    """
    host = settings.dashboard.host
    if port is not None:
        if port and not port_is_free(host, port):
            raise ZhengyuError(f"端口 {port} 已被占用，请用 --port 指定其他端口")
        return port or pick_free_port(host)
    wanted = settings.dashboard.port
    if wanted and port_is_free(host, wanted):
        return wanted
    if wanted:
        log.warning("端口 %s 已被占用，仪表盘改用一个空闲端口", wanted)
    return pick_free_port(host)


def dashboard_url(settings: Settings, port: int) -> str:
    return f"http://{display_host(settings.dashboard.host)}:{port}"


def run_dashboard_foreground(settings: Settings, config_dir: Path | str, port: int | None = None,
                             echo: Callable[[str], None] | None = None) -> None:
    """``zhengyu dashboard``: serve the Streamlit dashboard until Ctrl-C or SIGTERM."""
    say = echo or log.info
    port = resolve_dashboard_port(settings, port)
    url = dashboard_url(settings, port)
    children = ChildProcesses(child_environment(settings, config_dir))
    with StopOnSignals() as stop:
        try:
            child = children.start("dashboard", streamlit_command(settings.dashboard.host, port), capture=False)
            health = f"{url}/_stcore/health"
            if wait_until(lambda: url_answers(health) or not child.alive(), timeout=120, stop=stop) and child.alive():
                say(f"仪表盘已启动：{url}   （按 Ctrl-C 停止）")
            while not stop.is_set() and child.alive():
                stop.wait(0.5)
            if not stop.is_set():
                raise ZhengyuError(f"仪表盘进程意外退出（退出码 {child.process.returncode}）")
        finally:
            children.stop_all()
    say("仪表盘已停止。")
