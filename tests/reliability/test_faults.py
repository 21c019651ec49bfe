"""Faults survived, with real services on 127.0.0.1 (run by .ci/run on PostgreSQL):

(a) Redis (cache and broker) stopped: saving a complaint and a visit still succeeds; the
    reminder is stored, and its e-mail goes out once Redis is back (the e-mail sweep);
(b) a worker killed mid-task: see tests/topology (SIGKILL, nothing lost or doubled);
(c) PostgreSQL restarted under a running gunicorn: the next requests succeed
    (connection health checks), none fails after the restart.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from http.client import HTTPConnection

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from clients.tests.factories import ClientFactory
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint
from crm.celery import app
from notifications.jobs import run_job
from notifications.models import Notification
from tests.reliability.services import (
    ON_POSTGRES,
    PG_BIN,
    ROOT,
    PostgresCluster,
    Redis,
    die_with_parent,
    free_port,
    manage,
    project_env,
    wait_port,
)
from visits.models import VisitLog
from visits.rules import month_start
from visits.tests.factories import MonthlyPlanFactory

needs_services = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL and redis-server: run by .ci/run")


def use_broker(monkeypatch, url: str) -> None:
    """Point the Celery app (and its connection pools) at another broker."""
    monkeypatch.setattr(app.conf, "broker_write_url", None)  # first: its saved value must be the real one
    monkeypatch.setattr(app.conf, "broker_url", url)
    reset_pools()


def reset_pools() -> None:
    """Forget pooled broker connections (after a broker change or a broker restart)."""
    app.pool.force_close_all()
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@needs_services
@pytest.mark.django_db(transaction=True)
def test_redis_down_saves_still_succeed_and_the_reminder_follows(client, manager, supervisor, settings, monkeypatch):
    redis = Redis()
    redis.start()
    try:
        settings.CACHES = {"default": {"BACKEND": "crm.cache.ResilientRedisCache", "LOCATION": redis.url,
                                       "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}  # fmt: skip
        use_broker(monkeypatch, redis.url)
        manager.email, manager.email_notifications = "mgr@example.com", "each"
        manager.save()
        ensure_complaint_defaults()  # an earlier transactional test may have emptied the tables
        acme = ClientFactory(owner=manager, name="Acme Tea")
        MonthlyPlanFactory(owner=manager, team=manager.team, month=month_start(timezone.localdate()),
                                   status="approved")  # fmt: skip  # visits are logged against an approved plan
        category = Category.objects.filter(parent__isnull=False).first()

        redis.stop()  # the fault
        client.force_login(supervisor)
        response = client.post(
            f"{reverse('complaints:create')}?client={acme.pk}",
            {"channel": "hotline", "category": category.pk, "severity": "high", "description": "Cold tea",
             "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:500]
        complaint = Complaint.objects.get(client=acme)
        reminder = Notification.objects.get(recipient=manager, kind="complaint.registered", key=str(complaint.pk))
        assert reminder.emailed_at is None  # the broker was down: not sent yet, not lost
        client.force_login(manager)
        response = client.post(
            f"{reverse('visits:log')}?client={acme.pk}",
            {"submission": uuid.uuid4().hex, "date": timezone.localdate().isoformat(), "method": "phone",
             "work_done": "Called about the complaint"},
        )  # fmt: skip
        assert response.status_code == 302, response.context["form"].errors
        assert VisitLog.objects.filter(client=acme).count() == 1

        redis.start()  # back, on the same port
        reset_pools()
        with start_worker(app, pool="solo", perform_ping_check=False, queues=["email"], shutdown_timeout=5):
            later = timezone.now() + timedelta(minutes=6)  # the sweep takes reminders older than 5 minutes
            assert run_job("notifications.resend_emails", now=later).counts["queued"] == 1
            deadline = time.time() + 30
            while time.time() < deadline and not Notification.objects.get(pk=reminder.pk).emailed_at:
                time.sleep(0.2)
            assert run_job("notifications.resend_emails", now=later).counts["queued"] == 0  # sent: not again
        reminder.refresh_from_db()
        assert reminder.emailed_at is not None
        assert [m.to for m in mail.outbox] == [["mgr@example.com"]]  # delivered, once
    finally:
        redis.stop()
        reset_pools()  # the real broker again, once monkeypatch has put its URL back


def get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@needs_services
def test_the_web_app_recovers_when_postgresql_restarts(tmp_path):
    if PG_BIN is None:
        if os.environ.get("CRM_REQUIRE_TOPOLOGY"):
            pytest.fail("PostgreSQL's server binaries (initdb, pg_ctl) are missing")
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    cluster = PostgresCluster()
    cluster.init()
    cluster.pg_ctl("start")
    web = None
    try:
        port = free_port()
        env = project_env(tmp_path, DATABASE_URL=cluster.url, DJANGO_SECRET_KEY="restart-test-" + uuid.uuid4().hex,
                          DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_ALLOWED_HOSTS="127.0.0.1", CONN_MAX_AGE="600",
                          STATIC_ROOT=str(tmp_path / "static"))  # fmt: skip
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (kept open for the server's life)
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "crm.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
        )  # fmt: skip
        wait_port(port)

        # /readyz runs SELECT 1 on the process's persistent connection (CONN_MAX_AGE) each time.
        def database_ok():
            return json.loads(get(port, "/readyz")[1])["checks"]["database"]

        assert database_ok()["ok"]
        cluster.pg_ctl("restart")  # every open connection is cut
        after = [database_ok() for _ in range(10)]
        assert all(check["ok"] for check in after), after  # the very first request after it included
        assert get(port, "/accounts/login/")[0] == 200
    finally:
        try:
            if web is not None:
                web.terminate()
                try:
                    web.wait(20)
                except subprocess.TimeoutExpired:
                    web.kill()
                    web.wait(10)
        finally:
            cluster.stop()
