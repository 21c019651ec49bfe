"""The production topology on one machine: two gunicorn instances, two Celery workers and
one beat on the real PostgreSQL and Redis (127.0.0.1), in a database and Redis number of
their own. A manager logs in through one instance and keeps working through the other; a
mixed load (pages and saved visits) runs across both; reminder jobs are queued (each
twice, as a doubled beat would) and one worker is killed with SIGKILL while it holds
tasks. At the end: 0 failed requests, every saved visit is there once, every queued task
ran, no reminder was delivered (or e-mailed) twice and none is missing. Figures go to
``test-artifacts/topology.json``. Everything started is stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from email import message_from_string
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.reliability.services import ROOT, die_with_parent, free_port, manage, sql

ARTIFACTS = ROOT / "test-artifacts"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
LOAD_SECONDS = float(os.environ.get("CRM_TOPOLOGY_SECONDS", "12"))
THREADS = 8
REDIS_DB = 7  # the topology's own Redis database number, flushed before and after

pytestmark = pytest.mark.topology

if not (DATABASE_URL.startswith("postgres") and REDIS_URL.startswith("redis")):
    if os.environ.get("CRM_REQUIRE_TOPOLOGY"):
        raise RuntimeError("the topology test needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL): run by .ci/run", allow_module_level=True)


class Cluster:
    """The processes of the topology, their logs, and the way to talk to them."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.processes: dict[str, subprocess.Popen] = {}
        self.database = f"crm_topology_{os.getpid()}"
        server = urlsplit(DATABASE_URL)
        self.admin_dsn = f"{server.scheme}://{server.netloc}/postgres"
        self.database_url = f"{server.scheme}://{server.netloc}/{self.database}"
        redis = urlsplit(REDIS_URL)
        self.redis_url = f"redis://{redis.netloc}/{REDIS_DB}"
        self.outbox = tmp / "outbox"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1
            "CRM_VAR_DIR": str(tmp / "var"),
            "STATIC_ROOT": str(tmp / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.outbox),
            "CRM_HEARTBEAT_SECONDS": "1",
            "CRM_HEARTBEAT_MAX_AGE": "15",
            "CRM_BEAT_LOCK_SECONDS": "6",
            # A killed worker's unacknowledged messages go to the other worker this soon.
            "CRM_CELERY_VISIBILITY_TIMEOUT": "8",
            "CRM_CELERY_RESTORE_INTERVAL": "1",
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.ports = [free_port(), free_port()]

    # --- set-up and tear-down ------------------------------------------------------------
    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def prepare(self) -> None:
        # Databases left by an earlier run that was killed, then ours.
        for (name,) in sql(self.admin_dsn, "SELECT datname FROM pg_database WHERE datname LIKE 'crm_topology_%'"):
            sql(self.admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        sql(self.admin_dsn, f'CREATE DATABASE "{self.database}"')
        self.flush_redis()
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "collectstatic", "--noinput")
        manage(self.env, "seed_demo", "--force")
        # Everyone with an address gets each reminder by e-mail at once, to count e-mails too.
        sql(self.database_url, "UPDATE accounts_user SET email_notifications = 'each' WHERE email <> ''")

    def start(self, name: str, *command: str) -> None:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )

    def start_all(self) -> None:
        celery = [sys.executable, "-m", "celery", "-A", "crm"]
        for index, port in enumerate(self.ports, 1):
            self.start(f"web{index}", sys.executable, "-m", "gunicorn", "crm.wsgi", "--bind", f"127.0.0.1:{port}")
        for index in (1, 2):
            self.start(f"worker{index}", *celery, "worker", "-n", f"w{index}@%h", "-c", "2", "--loglevel=INFO")
        self.start("beat", *celery, "beat", "--loglevel=INFO", "-s", str(self.tmp / "beat-schedule"))

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)

    def drop(self) -> None:
        self.flush_redis()
        sql(self.admin_dsn, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    # --- HTTP -------------------------------------------------------------------------------
    def request(self, port: int, method: str, path: str, *, cookies: dict, form: dict | None = None):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", content.decode(errors="replace")
        finally:
            conn.close()

    def wait_ready(self, seconds: float = 90) -> dict:
        deadline = time.time() + seconds
        last = {}
        while time.time() < deadline:
            for name, process in self.processes.items():
                assert process.poll() is None, f"{name} exited:\n{self.log(name)[-3000:]}"
            try:
                status, _location, body = self.request(self.ports[0], "GET", "/readyz", cookies={})
                last = json.loads(body)
                if status == 200 and self.request(self.ports[1], "GET", "/readyz", cookies={})[0] == 200:
                    return last
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        raise AssertionError(f"not ready in {seconds}s: {last}")


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    try:
        cluster.prepare()
        cluster.start_all()
        yield cluster
    finally:
        try:
            cluster.stop_all()
        finally:
            cluster.drop()


def log_in(cluster: Cluster, port: int, username: str, password: str) -> dict:
    cookies: dict = {}
    status, _, _ = cluster.request(port, "GET", "/accounts/login/", cookies=cookies)
    assert status == 200 and "csrftoken" in cookies
    form = {"username": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
    status, location, _ = cluster.request(port, "POST", "/accounts/login/", cookies=cookies, form=form)
    assert status == 302 and "sessionid" in cookies, (status, location)
    return cookies


def task_ids(log: str, event: str) -> set[str]:
    return set(re.findall(rf"Task notifications\.tasks\.run_job\[([0-9a-f-]+)\] {event}", log))


def test_two_web_instances_two_workers_one_beat(cluster):
    from celery import Celery

    from accounts.demo import DEMO_PASSWORD

    started = time.time()
    readiness = cluster.wait_ready()
    assert readiness["checks"]["worker"]["ok"] and readiness["checks"]["beat"]["ok"]
    # A second beat started by mistake: it must send nothing while the first one runs.
    cluster.start("beat2", sys.executable, "-m", "celery", "-A", "crm", "beat", "--loglevel=INFO",
                  "-s", str(cluster.tmp / "beat2-schedule"))  # fmt: skip

    # Log in through the first instance, keep working through the second: sessions are shared.
    cookies = log_in(cluster, cluster.ports[0], "manager1", DEMO_PASSWORD)
    status, _, home = cluster.request(cluster.ports[1], "GET", "/", cookies=cookies)
    assert status == 200 and "/accounts/logout/" in home  # signed in on the other instance
    clients = [
        int(pk)
        for (pk,) in sql(
            cluster.database_url,
            "SELECT c.id FROM clients_client c JOIN accounts_user u ON u.id = c.owner_id "
            "WHERE u.username = 'manager1' ORDER BY c.id",
        )
    ]
    assert clients
    # A routine visit with its whole checklist ticked: the default visit types (issue #32) ask
    # every visit for theirs.
    checklist = {}
    for type_id, item_id in sql(
        cluster.database_url,
        "SELECT t.id, i.id FROM visits_visittype t JOIN visits_checklistitem i ON i.visit_type_id = t.id "
        "WHERE t.code = 'routine' AND t.is_active AND i.is_active",
    ):
        checklist.update({"visit_type": str(type_id), f"check_{item_id}": "on"})

    pages = ["/", "/clients/", "/clients/?q=a", "/visits/today/", "/complaints/", "/dashboards/visits/", "/inbox/"]
    outcome = {"requests": 0, "failures": [], "saved": set(), "by_port": dict.fromkeys(cluster.ports, 0)}
    lock = threading.Lock()
    stop_at = time.time() + LOAD_SECONDS

    def user(number: int) -> None:
        mine = dict(cookies)
        sequence = 0
        while time.time() < stop_at:
            sequence += 1
            port = cluster.ports[(number + sequence) % 2]
            try:
                if sequence % 4 == 0:  # save a visit
                    submission = uuid.uuid4().hex
                    client_id = clients[(number * 7 + sequence) % len(clients)]
                    form = {
                        "csrfmiddlewaretoken": mine["csrftoken"],
                        "submission": submission,
                        "date": f"{datetime.now(ZoneInfo('Asia/Shanghai')):%Y-%m-%d}",
                        "method": "phone",
                        "work_done": f"Load test visit {submission[:8]}",
                        **checklist,
                    }
                    status, location, _ = cluster.request(
                        port, "POST", f"/visits/log/?client={client_id}", cookies=mine, form=form
                    )
                    ok = status == 302 and "/login" not in location
                    if ok:
                        with lock:
                            outcome["saved"].add(submission)
                else:
                    path = pages[(number + sequence) % len(pages)]
                    status, location, _ = cluster.request(port, "GET", path, cookies=mine)
                    ok = status == 200
            except OSError as error:
                status, ok = repr(error), False
            with lock:
                outcome["requests"] += 1
                outcome["by_port"][port] += 1
                if not ok:
                    outcome["failures"].append((port, status))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()

    # Meanwhile, queue every reminder job twice (a doubled beat), then kill worker 1 with
    # SIGKILL while it holds tasks.
    sender = Celery(broker=cluster.redis_url)
    jobs = [line.split()[0] for line in manage(cluster.env, "run_job", "--list").splitlines() if line.strip()]
    assert len(jobs) >= 10
    sent = []
    killed_holding: set[str] = set()
    for _round in range(4):
        for name in jobs:
            sent.append(sender.send_task("notifications.tasks.run_job", args=[name], queue="reminders").id)
        if not killed_holding:
            deadline = time.time() + 5
            while time.time() < deadline:
                log = cluster.log("worker1")
                holding = task_ids(log, "received") - task_ids(log, "succeeded") - task_ids(log, "failed")
                if holding:
                    os.killpg(cluster.processes["worker1"].pid, signal.SIGKILL)
                    cluster.processes["worker1"].wait(10)
                    killed_holding = holding
                    break
                time.sleep(0.02)
    for thread in threads:
        thread.join(LOAD_SECONDS + 60)
    load_seconds = time.time() - (stop_at - LOAD_SECONDS)
    assert killed_holding, "worker 1 was never seen holding a task"

    # Every queued task runs to the end on the surviving worker (the killed worker's
    # unacknowledged messages come back after the visibility timeout).
    deadline = time.time() + 90
    while time.time() < deadline:
        done = task_ids(cluster.log("worker1"), "succeeded") | task_ids(cluster.log("worker2"), "succeeded")
        if set(sent) <= done:
            break
        time.sleep(0.5)
    lost_tasks = set(sent) - done
    # ...and every e-mail is sent: those the runs queued, and those of reminders the killed
    # worker stored but died before queueing, which the e-mail sweep (run here as if five
    # minutes had passed) queues again.
    later = datetime.now(ZoneInfo("UTC")) + timedelta(minutes=6)
    manage(cluster.env, "run_job", "notifications.resend_emails", "--at", later.isoformat())
    deadline = time.time() + 60
    pending_sql = (
        "SELECT count(*) FROM notifications_notification n JOIN accounts_user u ON u.id = n.recipient_id "
        "WHERE n.emailed_at IS NULL AND u.email <> '' AND u.is_active AND u.email_notifications = 'each'"
    )
    while time.time() < deadline and sql(cluster.database_url, pending_sql)[0][0]:
        time.sleep(0.5)
    not_emailed = sql(cluster.database_url, pending_sql)[0][0]

    notifications = sql(cluster.database_url, "SELECT count(*) FROM notifications_notification")[0][0]
    duplicates = sql(
        cluster.database_url,
        "SELECT count(*) FROM (SELECT 1 FROM notifications_notification "
        "GROUP BY recipient_id, kind, key HAVING count(*) > 1) d",
    )[0][0]
    staff = {email for (email,) in sql(cluster.database_url, "SELECT email FROM accounts_user")}
    emails = []  # reminders to staff (survey invitations to clients' contacts are not counted)
    for path in sorted(cluster.outbox.glob("*.log")) if cluster.outbox.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = message_from_string(chunk.strip())
                if message["To"] in staff:
                    emails.append((message["To"], message["Subject"], message.get_payload()))
    emails_doubled = len(emails) - len(set(emails))
    emailed = sql(cluster.database_url, "SELECT count(*) FROM notifications_notification "
                          "WHERE emailed_at IS NOT NULL")[0][0]  # fmt: skip

    # Nothing is missing: running every job once more finds no reminder left to create.
    manage(cluster.env, "run_job", "all")
    after = sql(cluster.database_url, "SELECT count(*) FROM notifications_notification")[0][0]

    saved_rows = sql(
        cluster.database_url,
        "SELECT submission, count(*) FROM visits_visitlog WHERE submission = ANY(%s) GROUP BY submission",
        (list(outcome["saved"]),),
    )
    figures = {
        "requests": outcome["requests"],
        "requests_per_second": round(outcome["requests"] / load_seconds, 1),
        "requests_by_instance": {str(port): n for port, n in outcome["by_port"].items()},
        "failed_requests": len(outcome["failures"]),
        "visits_saved": len(outcome["saved"]),
        "visits_stored": len(saved_rows),
        "visits_stored_twice": sum(1 for _s, n in saved_rows if n > 1),
        "tasks_queued": len(sent),
        "tasks_held_by_killed_worker": len(killed_holding),
        "tasks_lost": len(lost_tasks),
        "reminders": notifications,
        "reminders_duplicated": duplicates,
        "reminders_missing": after - notifications,
        "emails_sent": len(emails),
        "emails_recorded": emailed,
        "emails_doubled": emails_doubled,
        "emails_not_sent": not_emailed,
        "beats_started": 2,
        "sends_by_second_beat": cluster.log("beat2").count("Sending due task"),
        "seconds": round(time.time() - started, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "topology.json").write_text(json.dumps(figures, indent=2))
    print("topology:", json.dumps(figures))

    assert not outcome["failures"], outcome["failures"][:10]
    assert all(n > 0 for n in outcome["by_port"].values())
    assert figures["visits_saved"] > 0 and figures["visits_stored"] == figures["visits_saved"]
    assert figures["visits_stored_twice"] == 0
    assert not lost_tasks, f"{len(lost_tasks)} queued tasks never finished"
    assert figures["reminders"] > 0 and duplicates == 0 and figures["reminders_missing"] == 0
    assert emails and emails_doubled == 0 and not_emailed == 0 and len(emails) == emailed
    assert "Sending due task ping" in cluster.log("beat")  # the first beat does send
    beat = sql(cluster.database_url, "SELECT detail FROM notifications_heartbeat WHERE name = 'beat'")
    assert f":{cluster.processes['beat'].pid}:" in beat[0][0]  # and holds the lock
    assert figures["sends_by_second_beat"] == 0 and "holds the lock" in cluster.log("beat2")
    # The survivors are still ready; the killed worker shows as no longer alive in its row.
    assert cluster.processes["worker2"].poll() is None and cluster.processes["beat"].poll() is None
