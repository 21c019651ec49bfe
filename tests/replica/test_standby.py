"""Reads on a real PostgreSQL streaming replica (crm/replica.py).

A primary is initdb'd in a temporary folder on a free port (wal_level=replica, a
replication line in pg_hba.conf), a standby is made from it with ``pg_basebackup -R``
(primary_conninfo and standby.signal) and started on another free port; the test
database's schema and rows are copied to the primary (pg_dump, faster than migrating) and
stream to the standby. Then the app, in a process of its own with DATABASE_URL on the
primary and DATABASE_REPLICA_URL on the standby (tests/replica/scenario.py), shows that:

- the dashboards', reports', exports' and scorecard's reads ran on the standby, on backends
  the standby itself lists, in recovery;
- the writes went to the primary;
- a visit just logged is on the manager's board at once, while the standby's replay is
  paused (the lag is certain), and on a browser that wrote nothing only once it replays;
- with the standby stopped, the boards are computed on the primary.

Both servers run as the ``postgres`` user when the tests run as root. Everything started
is stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.reliability.services import PG_BIN, ROOT, free_port, project_env, sql

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.topology

_missing = (
    "DATABASE_URL is not PostgreSQL"
    if not DATABASE_URL.startswith("postgres")
    else "no PostgreSQL server binaries under /usr/lib/postgresql"
    if PG_BIN is None
    else ""
)
if _missing:
    if os.environ.get("CRM_REQUIRE_TOPOLOGY"):
        raise RuntimeError(f"the replica test needs PostgreSQL and its server binaries: {_missing}")
    pytest.skip(f"needs PostgreSQL ({_missing}): run by .ci/run", allow_module_level=True)

AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Server:
    """One PostgreSQL server of our own: a data folder, a port, a log."""

    def __init__(self, base: Path, name: str):
        self.data = base / name
        self.socket_dir = base / f"{name}-socket"
        self.log = base / f"{name}.log"
        self.port = free_port()
        self.started = False

    def url(self, database: str = "postgres", **query: str) -> str:
        tail = "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}{tail}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "30", "-m", "fast", action)
        self.started = action in ("start", "restart")

    def stop_command(self) -> list[str]:
        return [*AS_POSTGRES, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop"]

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self.pg_ctl("stop")


def run(*command) -> None:
    # No pipes: a server started by pg_ctl would keep them open (its output goes to -l).
    subprocess.run([*AS_POSTGRES, *map(str, command)], check=True, stdout=subprocess.DEVNULL, timeout=120)


def owned_by_postgres(path: Path) -> Path:
    path.mkdir(exist_ok=True)
    if AS_POSTGRES:
        shutil.chown(path, "postgres", "postgres")
    return path


@pytest.fixture
def pair():
    """A primary and its streaming standby, both running."""
    # A folder of its own under /tmp: pytest's are private to root and postgres cannot enter.
    base = owned_by_postgres(Path(tempfile.mkdtemp(prefix="crm-replica-")))
    primary, standby = Server(base, "primary"), Server(base, "standby")
    try:
        for folder in (primary.socket_dir, standby.socket_dir):
            owned_by_postgres(folder)
        run(PG_BIN / "initdb", "-D", primary.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(primary.data / "postgresql.conf", "a") as conf:
            conf.write("\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n")
        with open(primary.data / "pg_hba.conf", "a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        primary.pg_ctl("start")
        # -R: primary_conninfo (this primary) in postgresql.auto.conf, and standby.signal.
        run(PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", standby.data, "-R", "-X", "stream", "-c", "fast", "--no-sync")  # fmt: skip
        assert (standby.data / "standby.signal").exists()
        assert "primary_conninfo" in (standby.data / "postgresql.auto.conf").read_text()
        standby.pg_ctl("start")
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


def copy_test_database(target_url: str) -> None:
    """The test database (migrated by pytest-django) to the new primary: pg_dump | pg_restore."""
    from django.db import connections

    source = connections["default"].settings_dict
    env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
    dump = subprocess.run(
        [PG_BIN / "pg_dump", "-Fc", "--no-owner", "--no-acl", "-h", source["HOST"] or "127.0.0.1",
         "-p", str(source["PORT"] or 5432), "-U", source["USER"], source["NAME"]],
        check=True, capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    subprocess.run(
        [PG_BIN / "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "-d", target_url],
        input=dump.stdout, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_heavy_reads_go_to_the_standby_and_each_user_reads_their_own_writes(pair, db, tmp_path):
    primary, standby = pair

    sql(primary.url(), "CREATE DATABASE crm")
    copy_test_database(primary.url("crm"))
    env = project_env(
        tmp_path,
        DATABASE_URL=primary.url("crm"),
        DATABASE_REPLICA_URL=standby.url("crm", application_name="crm-replica"),
        CONN_MAX_AGE="600",  # the connections (and their backends) outlive each request
        CRM_DASHBOARD_CACHE_SECONDS="0",
    )
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.replica.scenario", standby.dsn("crm"), json.dumps(standby.stop_command())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    # Writes made by the app outside a request went to the primary, and streamed.
    assert seen["setup_writes"] and {tuple(w) for w in seen["setup_writes"]} == {("default", primary.port)}
    assert seen["caught_up"]
    assert seen["primary_connection"] == [False, primary.port]
    assert seen["replica_connection"] == [True, standby.port, "crm-replica"]

    # Each heavy page read the standby: its statements ran on backends of the standby (port),
    # which the standby lists as its own, in recovery; the primary only saw the sign-in.
    for name, page in seen["pages"].items():
        assert page["status"] == 200, name
        assert page["replica_statements"] > 0, name
        assert {port for port, _pid in page["replica"]} == {standby.port}, name
        assert not [s for s in page["primary_statements"] if s.startswith(("INSERT", "UPDATE", "DELETE"))], name
        assert not page["pinned_cookie"], name
    assert len(seen["pages"]["dashboards:visits"]["primary_statements"]) <= 2  # the signed-in user (and session)
    backends = seen["standby_backends"]
    assert [pid for pid, _name, _recovery in backends] == seen["replica_pids"]
    assert all(name == "crm-replica" and recovery for _pid, name, recovery in backends)

    # A visit logged while the standby's replay is paused.
    assert seen["post_status"] == 302
    assert seen["post_writes"] and {alias for alias, _port in seen["post_writes"]} == {"default"}
    assert {port for _alias, port in seen["post_writes"]} == {primary.port}
    assert seen["post_replica_statements"] == 0
    assert seen["pinned_cookie"]
    assert seen["on_standby"] == 0  # not replayed there: the lag is real
    # The manager who logged it sees it at once: their board read the primary.
    assert seen["after_writer"] == seen["before"] + 1
    assert seen["after_writer_aliases"] == ["default"]
    assert seen["client_file_shows_it"]
    # Another browser that wrote nothing reads the lagging standby, then catches up.
    assert seen["after_other_browser"] == seen["before"]
    assert "replica" in seen["after_other_aliases"]
    assert seen["caught_up_again"]
    assert seen["after_resume_other_browser"] == seen["before"] + 1
    # The early warning's reads (crm.replica.on_fresh_replica): the primary while the standby
    # lags more than allowed, the standby once it has caught up.
    assert seen["lag_while_paused"] > 0 and seen["fresh_reads_while_paused"] == "default"
    assert seen["lag_caught_up"] == 0 and seen["fresh_reads_caught_up"] == "replica"
    assert seen["lag_after_a_write"] is not None and seen["lag_after_a_write"] < 5

    # The standby stopped: the board is computed again on the primary, not an error.
    assert seen["lag_down"] is None and seen["fresh_reads_down"] == "default"
    down = seen["standby_down"]
    assert down["status"] == 200
    assert down["primary_statements"] > 2 and down["ports"] == [primary.port]
