"""A real worker consumes a real message from the configured broker (Redis in CI, the
file-system transport on a bare machine), and records its own heartbeat while it runs."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from crm.celery import app
from notifications.models import Heartbeat, JobRun
from notifications.tasks import run_job

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline and not condition():
        time.sleep(0.1)
    return condition()


def test_worker_runs_task_sent_through_broker_and_keeps_a_heartbeat():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # never picked up by a developer's running worker
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=5) as worker:
        run_job.apply_async(args=["notifications.resend_emails"], queue=queue)
        ran = wait_for(lambda: JobRun.objects.filter(name="notifications.resend_emails", ok=True).exists())
        mine = Heartbeat.objects.get(name=worker.hostname)
    assert ran, f"no worker ran the task via {settings.CELERY_BROKER_URL.split('://')[0]}"
    assert mine.kind == "worker" and queue in mine.detail and mine.is_alive()
    assert not Heartbeat.objects.filter(name=worker.hostname).exists()  # a clean stop removes it
