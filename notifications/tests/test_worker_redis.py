"""A real Celery worker consuming from the real Redis broker delivers a reminder once,
although the job is sent twice and the e-mail task fails once and is retried.

Runs where REDIS_URL is set (CI). The worker runs in a thread of this process
(celery.contrib.testing), so it uses this test database; the data is committed
(transactional test) for the worker's own connection to see it.
"""

import time
import uuid
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection

from clients.tests.factories import ClientFactory
from crm.celery import app
from notifications import tasks
from notifications.models import JobRun, Notification
from notifications.tests import flaky_email

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis"), reason="needs REDIS_URL (the real broker); CI sets it"
    ),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker thread needs a shared database (PostgreSQL)"),
]


def wait_for(condition, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_reminder_delivered_once_despite_duplicate_runs_and_a_retry(settings, manager):
    settings.EMAIL_BACKEND = "notifications.tests.flaky_email.FlakyBackend"
    flaky_email.reset(failures=1)  # the mail server refuses the first attempt
    settings.CRM_TASK_RETRY_BACKOFF = 1  # retry after 1 s, not 30
    manager.email = "m@example.com"
    manager.save()
    acme = ClientFactory(owner=manager, name="Late Client")
    type(acme).objects.filter(pk=acme.pk).update(next_visit_due=date(2000, 1, 1))  # long overdue

    queue = f"test-{uuid.uuid4().hex[:8]}"  # never consumed by a developer's running worker
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        # The beat fires twice (a duplicate beat, or a redelivered message).
        tasks.run_job.apply_async(args=["clients.overdue"], queue=queue)
        tasks.run_job.apply_async(args=["clients.overdue"], queue=queue)
        assert wait_for(lambda: JobRun.objects.filter(name="clients.overdue", finished_at__isnull=False).count() == 2)
        notification = Notification.objects.get(recipient=manager, kind="clients.overdue")
        # The e-mail task: sent twice too; the first attempt fails and is retried by Celery.
        tasks.send_notification_email.apply_async(args=[notification.pk], queue=queue)
        assert wait_for(lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists())
        finished = {}

        def record(task_id=None, retval=None, **kwargs):
            finished[task_id] = retval

        task_postrun.connect(record, weak=False)
        try:
            duplicate = tasks.send_notification_email.apply_async(args=[notification.pk], queue=queue)
            # Wait until the worker has really run the duplicate (a sleep could end before it).
            assert wait_for(lambda: duplicate.id in finished)
        finally:
            task_postrun.disconnect(record)
        assert finished[duplicate.id] is False, "the duplicate found the e-mail sent and sent nothing"

    assert Notification.objects.filter(recipient=manager, kind="clients.overdue").count() == 1
    assert [run.counts for run in JobRun.objects.filter(name="clients.overdue").order_by("pk")] == [
        {"notified": 2},  # the manager, and the supervisor (twice overdue)
        {"notified": 0},
    ]
    assert len(flaky_email.SENT) == 1, "the reminder e-mail went out exactly once"
    assert flaky_email.SENT[0].to == ["m@example.com"] and "Late Client" in flaky_email.SENT[0].body
