"""Real services for the reliability tests, all on 127.0.0.1: scratch PostgreSQL databases
on the CI server, a private PostgreSQL cluster that can be restarted, a private Redis
that can be stopped, and the project's own commands run against them."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
PG_BIN = (
    next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
    if Path("/usr/lib/postgresql").exists()
    else None
)


def die_with_parent() -> None:
    """In a child process before exec: if the test process dies (a CI timeout), so does
    the child (Linux prctl PR_SET_PDEATHSIG), so no server outlives the run."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def server_url(database: str) -> str:
    parts = urlsplit(DATABASE_URL)
    return f"{parts.scheme}://{parts.netloc}/{database}"


def sql(dsn: str, statement: str, params=None) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def project_env(tmp: Path, **extra) -> dict:
    env = {**os.environ, "CRM_VAR_DIR": str(tmp / "var"), "PYTHONUNBUFFERED": "1", **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)  # only what a test asks for
    return env


class Redis:
    """A redis-server of our own on a spare port, to stop and start at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class PostgresCluster:
    """A private PostgreSQL cluster (initdb) on a spare port, run by the postgres user."""

    def __init__(self):
        # Its own folder under /tmp: pytest's folders are private to root, postgres cannot enter.
        self.base = Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.port = free_port()
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *command: str) -> None:
        # No pipes: the server started by pg_ctl would keep them open (its output goes to -l).
        subprocess.run(
            [*self.as_postgres, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120
        )

    def init(self) -> None:
        self.data.mkdir()
        self.socket_dir.mkdir()
        if self.as_postgres:
            shutil.chown(self.data, "postgres")
            shutil.chown(self.socket_dir, "postgres")
            shutil.chown(self.base, "postgres")
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.base / "server.log")
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "-m", "fast", action)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.pg_ctl("stop")
        shutil.rmtree(self.base, ignore_errors=True)
