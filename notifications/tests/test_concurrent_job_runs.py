"""The same job running twice at once: each run counts only the notifications it really
inserted, and queues e-mails only for those, so two runs never record "notified: 2" each
for two rows nor queue every e-mail twice."""

import re
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import EmailPreference
from clients.models import Client
from clients.tests.factories import ClientFactory
from notifications.jobs import run_job
from notifications.models import Notification

FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTIFICATION_INSERT = re.compile(r'^\s*INSERT\b.*?"notifications_notification"\s*\(', re.IGNORECASE | re.DOTALL)


@pytest.fixture
def queued(monkeypatch):
    """The e-mail tasks queued (ids), instead of a broker."""
    from notifications import tasks

    ids = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", ids.append)
    return ids


def two_overdue_reminders(manager, supervisor):
    """clients.overdue then notifies the manager (their overdue clients) and the supervisor
    (a client overdue twice over): two rows, both e-mailed one by one."""
    for user in (manager, supervisor):
        user.email, user.email_notifications = f"{user.username}@example.com", EmailPreference.EACH
        user.save()
    today = timezone.localdate()
    for days_late in (10, 40):
        client = ClientFactory(owner=manager, visit_frequency="monthly")
        Client.objects.filter(pk=client.pk).update(
            last_visited_on=today - timedelta(days=days_late + 30), next_visit_due=today - timedelta(days=days_late)
        )


def test_a_run_counts_only_what_it_inserted_when_another_run_inserts_first(
    manager, supervisor, queued, django_capture_on_commit_callbacks
):
    """A second run that read "nothing delivered yet" before the first one wrote its rows:
    the first run's rows appear just before the second run's insert."""
    state = {"first_run": None}

    def first_run_writes_meanwhile(execute, sql, params, many, context):
        if state["first_run"] is None and NOTIFICATION_INSERT.match(sql):
            state["first_run"] = "running"
            state["first_run"] = run_job("clients.overdue")
        return execute(sql, params, many, context)

    with time_machine.travel(FRIDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        two_overdue_reminders(manager, supervisor)
        with connection.execute_wrapper(first_run_writes_meanwhile):
            second = run_job("clients.overdue")
    first = state["first_run"]
    assert first.counts == {"notified": 2}
    assert second.counts == {"notified": 0}
    assert Notification.objects.count() == 2
    assert sorted(queued) == sorted(Notification.objects.values_list("pk", flat=True))  # each queued once


def test_a_second_run_after_the_first_records_nothing_and_queues_nothing(
    manager, supervisor, queued, django_capture_on_commit_callbacks
):
    with time_machine.travel(FRIDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        two_overdue_reminders(manager, supervisor)
        first = run_job("clients.overdue")
        second = run_job("clients.overdue")
    assert (first.counts, second.counts) == ({"notified": 2}, {"notified": 0})
    assert len(queued) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="two writing threads need PostgreSQL")
def test_two_runs_at_once_on_postgresql(manager, supervisor, queued):
    """Two threads, two connections: the first run holds its rows uncommitted while the
    second reads (sees nothing) and inserts (waits for the first, then skips its rows)."""
    inserted = threading.Event()
    runs = {}

    def first():
        try:
            with transaction.atomic():
                runs["first"] = run_job("clients.overdue")
                inserted.set()
                time.sleep(1)  # the second run reads and blocks on its insert meanwhile
        finally:
            inserted.set()
            connection.close()

    def second():
        try:
            inserted.wait(10)
            runs["second"] = run_job("clients.overdue")
        finally:
            connection.close()

    with time_machine.travel(FRIDAY, tick=False):  # the whole process's clock, both threads'
        two_overdue_reminders(manager, supervisor)
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(run.counts["notified"] for run in runs.values()) == [0, 2]
    assert Notification.objects.count() == 2
    assert sorted(queued) == sorted(Notification.objects.values_list("pk", flat=True))
