"""The app's side of tests/replica/test_standby.py, run in a process of its own with
DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby (the settings a
deployment has): it signs people in, uses the pages through Django's test client, records
which server ran every statement, and prints what it saw as JSON (last line of stdout).
The test makes the assertions.

``python -m tests.replica.scenario <standby DSN> <command that stops the standby, as JSON>``
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.tests.factories import ManagerFactory, SupervisorFactory  # noqa: E402
from clients.tests.factories import ClientFactory  # noqa: E402
from crm.replica import on_fresh_replica, replica_lag_seconds  # noqa: E402
from performance.models import ScorecardWeights  # noqa: E402
from visits.models import VisitLog  # noqa: E402
from visits.rules import month_start  # noqa: E402
from visits.tests.factories import MonthlyPlanFactory  # noqa: E402

# The replica-eligible pages a supervisor opens (crm.replica.reading_replica on each view).
SUPERVISOR_PAGES = [
    "dashboards:visits",
    "dashboards:complaints",
    "dashboards:satisfaction",
    "dashboards:business",
    "dashboards:quarterly",
    "performance:scorecard",
    "performance:at_risk",
    "clients:export",
]


class Recorder:
    """Every statement the app runs, with the alias, and the server's port and backend pid of
    the connection that ran it (read from the driver, without a query of our own)."""

    def __init__(self):
        self.statements: list[dict] = []

    def wrapper(self, alias: str):
        def record(execute, sql, params, many, context):
            info = context["connection"].connection.info
            self.statements.append({"alias": alias, "port": info.port, "pid": info.backend_pid, "sql": sql[:120]})
            return execute(sql, params, many, context)

        return record

    @contextlib.contextmanager
    def watching(self):
        self.statements = []
        with (
            connections["default"].execute_wrapper(self.wrapper("default")),
            connections["replica"].execute_wrapper(self.wrapper("replica")),
        ):
            yield self


def lsn_caught_up(standby_dsn: str, seconds: float = 20) -> bool:
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.time() + seconds
    with psycopg.connect(standby_dsn, autocommit=True) as standby:
        while time.time() < deadline:
            if standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def standby_sql(standby_dsn: str, statement: str, params=None):
    with psycopg.connect(standby_dsn, autocommit=True) as standby:
        return standby.execute(statement, params).fetchall()


def logged_today(response) -> int:
    """Visits logged this month, from the visit dashboard's per-day CSV."""
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return sum(int(row[1]) for row in rows[1:] if row and row[1])


def main(standby_dsn: str, stop_standby: list[str]) -> dict:
    seen: dict = {}
    tag = uuid.uuid4().hex[:8]
    recorder = Recorder()

    # --- data, written outside any request: everything goes to the primary -----------------
    with recorder.watching():
        supervisor = SupervisorFactory(username=f"rsup_{tag}")
        manager = ManagerFactory(username=f"rmgr_{tag}", team=supervisor.team)
        acme = ClientFactory(owner=manager, code=f"R{tag}", name=f"Replica Tea {tag}")
        MonthlyPlanFactory(owner=manager, team=manager.team, month=month_start(timezone.localdate()), status="approved")
        ScorecardWeights.get()  # made on first use: as in a deployment, made already
        VisitLog.objects.create(
            client=acme, owner=manager, date=timezone.localdate(), method="phone", work_done=f"first {tag}"
        )
    seen["setup_writes"] = [(s["alias"], s["port"]) for s in recorder.statements if not s["sql"].startswith("SELECT")]
    seen["caught_up"] = lsn_caught_up(standby_dsn)

    # --- the dashboards read the standby -------------------------------------------------
    boss = Client()
    boss.force_login(supervisor)
    seen["pages"] = {}
    for name in SUPERVISOR_PAGES:
        with recorder.watching():
            response = boss.get(reverse(name))
        seen["pages"][name] = {
            "status": response.status_code,
            "replica": sorted({(s["port"], s["pid"]) for s in recorder.statements if s["alias"] == "replica"}),
            "replica_statements": sum(s["alias"] == "replica" for s in recorder.statements),
            "primary_statements": [s["sql"] for s in recorder.statements if s["alias"] == "default"],
            "pinned_cookie": "crm_primary" in response.cookies,
        }
    # The backends that ran them, seen from the standby itself: in recovery, with the
    # replica's application_name.
    pids = sorted({pid for page in seen["pages"].values() for _port, pid in page["replica"]})
    seen["standby_backends"] = standby_sql(
        standby_dsn,
        "SELECT pid, application_name, pg_is_in_recovery() FROM pg_stat_activity WHERE pid = ANY(%s) ORDER BY pid",
        [pids],
    )
    seen["replica_pids"] = pids
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port(), current_setting('application_name')")
        seen["replica_connection"] = cursor.fetchone()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        seen["primary_connection"] = cursor.fetchone()

    # --- a visit logged while the standby lags: the manager sees it at once --------------
    me = Client()
    me.force_login(manager)
    other = Client()  # the same manager in another browser: no recent write of its own
    other.force_login(manager)
    board = reverse("dashboards:visits") + "?export=csv&table=per_day"
    seen["before"] = logged_today(me.get(board))
    standby_sql(standby_dsn, "SELECT pg_wal_replay_pause()")
    try:
        with recorder.watching():
            response = me.post(
                f"{reverse('visits:log')}?client={acme.pk}",
                {"submission": uuid.uuid4().hex, "date": timezone.localdate().isoformat(), "method": "phone",
                 "work_done": f"second {tag}"},
            )  # fmt: skip
        seen["post_status"] = response.status_code
        seen["post_writes"] = sorted(
            {(s["alias"], s["port"]) for s in recorder.statements if s["sql"].startswith(("INSERT", "UPDATE"))}
        )
        seen["post_replica_statements"] = sum(s["alias"] == "replica" for s in recorder.statements)
        seen["pinned_cookie"] = "crm_primary" in response.cookies
        # The standby has not replayed the visit (replay paused: the lag is certain).
        seen["on_standby"] = standby_sql(
            standby_dsn, "SELECT count(*) FROM visits_visitlog WHERE work_done = %s", [f"second {tag}"]
        )[0][0]
        with recorder.watching():
            seen["after_writer"] = logged_today(me.get(board))
        seen["after_writer_aliases"] = sorted({s["alias"] for s in recorder.statements})
        with recorder.watching():
            seen["after_other_browser"] = logged_today(other.get(board))
        seen["after_other_aliases"] = sorted({s["alias"] for s in recorder.statements})
        # The manager's own pages outside the dashboards read the primary anyway.
        file = me.get(reverse("clients:detail", args=[acme.pk]))
        seen["client_file_shows_it"] = f"second {tag}" in file.content.decode()
        # Work that writes back what it read (the early warning) sees the lag and reads the primary.
        seen["lag_while_paused"] = replica_lag_seconds()
        settings.CRM_REPLICA_MAX_LAG_SECONDS = 0
        seen["fresh_reads_while_paused"] = on_fresh_replica(router.db_for_read, VisitLog)
    finally:
        standby_sql(standby_dsn, "SELECT pg_wal_replay_resume()")
    seen["caught_up_again"] = lsn_caught_up(standby_dsn)
    seen["after_resume_other_browser"] = logged_today(other.get(board))
    seen["lag_caught_up"] = replica_lag_seconds()
    # A write a moment before (a job records its run first): the standby replays it within
    # the wait, so the lag is those milliseconds, not the age of its last transaction.
    VisitLog.objects.filter(client=acme).update(work_done=f"third {tag}")
    seen["lag_after_a_write"] = replica_lag_seconds(wait=5)
    seen["fresh_reads_caught_up"] = on_fresh_replica(router.db_for_read, VisitLog)

    # --- the standby stops: the boards are computed on the primary -----------------------
    subprocess.run(stop_standby, check=True, stdout=subprocess.DEVNULL, timeout=60)
    with recorder.watching():
        response = boss.get(reverse("dashboards:visits"))
    seen["lag_down"] = replica_lag_seconds()
    seen["fresh_reads_down"] = on_fresh_replica(router.db_for_read, VisitLog)
    seen["standby_down"] = {
        "status": response.status_code,
        "primary_statements": sum(s["alias"] == "default" for s in recorder.statements),
        "ports": sorted({s["port"] for s in recorder.statements if s["alias"] == "default"}),
    }
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2])), default=str))
