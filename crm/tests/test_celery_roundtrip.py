"""A real worker consumes a real message from the configured broker (Redis in CI,
the file-system transport on a bare machine)."""

import time
import uuid
from datetime import datetime

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from crm.celery import app
from crm.tasks import HEARTBEAT_CACHE_KEY, heartbeat


def test_worker_runs_task_sent_through_broker():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # never picked up by a developer's running worker
    cache.delete(HEARTBEAT_CACHE_KEY)
    sent_at = time.time()
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=5):
        heartbeat.apply_async(queue=queue)
        deadline = time.time() + 20
        while time.time() < deadline and not cache.get(HEARTBEAT_CACHE_KEY):
            time.sleep(0.1)
    value = cache.get(HEARTBEAT_CACHE_KEY)
    assert value, f"no worker ran the task via {settings.CELERY_BROKER_URL.split('://')[0]}"
    assert datetime.fromisoformat(value).timestamp() >= sent_at - 1
