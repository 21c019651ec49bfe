"""Scheduled jobs: a registry, and one runner that records every run for admins.

Each app registers its sweeps with ``@job("app.name")``; a job takes the current time
and returns counts (``{"notified": 3}`` or a number). The beat schedule in settings runs
them through the single Celery task ``notifications.tasks.run_job``; ``manage.py run_job``
runs any of them by hand. A job must be idempotent: running it twice delivers nothing
twice (notifications are unique per recipient, kind and key).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import JobRun

log = logging.getLogger(__name__)
Job = Callable[[datetime], "dict | int"]
JOBS: dict[str, Job] = {}
# Raised when queueing a task while the broker is unreachable: the row waits for the next run.
BROKER_ERRORS = (OperationalError, OSError)


def job(name: str):
    def register(function: Job) -> Job:
        JOBS[name] = function
        return function

    return register


class RowErrors:
    """Collects per-row failures, so that one bad row does not stop a sweep."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, what: str, error: Exception) -> None:
        log.warning("job row failed: %s", what, exc_info=error)
        self.messages.append(f"{what}: {error.__class__.__name__}: {error}")


def run_job(name: str, *, now: datetime | None = None, trigger: str = "beat") -> JobRun:
    """Run one job and record it; an exception is recorded (and re-raised for the worker's log)."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(sorted(JOBS))}")
    run = JobRun.objects.create(name=name, trigger=trigger)
    now = now or timezone.now()
    try:
        result = JOBS[name](now)
    except Exception:
        run.errors = traceback.format_exc()[-4000:]
        run.finished_at = timezone.now()
        run.save(update_fields=["errors", "finished_at"])
        raise
    counts = result if isinstance(result, dict) else {"count": result}
    row_errors = counts.pop("errors", [])
    run.counts = counts
    run.errors = "\n".join(row_errors)[-4000:]
    run.ok = not row_errors
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "errors", "ok", "finished_at"])
    return run
