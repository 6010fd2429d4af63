"""Throwaway real servers for tests: a PostgreSQL cluster and a redis-server, each in a temp dir on a free port."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} within {timeout} s")


def _pg_bin(name: str) -> str:
    found = shutil.which(name) if name != "initdb" else None
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    if found:
        return found
    raise RuntimeError(f"PostgreSQL's {name} was not found; install Debian's postgresql package (.ci/run does)")


@dataclass
class PostgresServer:
    port: int
    datadir: Path
    _as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run([*self._as_user, _pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start in a temp dir; as root the server runs as the ``postgres`` system user."""
    base = Path(tempfile.mkdtemp(prefix="zhengyu-pg-"))
    datadir = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")  # raises KeyError with a clear name if the package is missing
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, _pg_bin("initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " \
           f"-c full_page_writes=off -c max_connections=200"
    subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(datadir), "-o", opts, "-l", str(base / "log"),
                    "-w", "start"], check=True, capture_output=True)
    return PostgresServer(port=port, datadir=datadir, _as_user=as_user)


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis() -> RedisServer:
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server was not found; install Debian's redis-server package (.ci/run does)")
    workdir = Path(tempfile.mkdtemp(prefix="zhengyu-redis-"))
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return RedisServer(port=port, process=process, workdir=workdir)
