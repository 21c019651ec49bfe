"""The Celery side of reminders: one task runs any registered job, one sends an e-mail."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import jobs, services

# Transient failures (mail server or database unreachable) are retried with exponential
# backoff. acks_late: a worker that dies mid-task leaves it on the queue for another one;
# the work is idempotent, so running it again delivers nothing twice.
RETRY = {
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": settings.CRM_TASK_RETRY_BACKOFF,
    "retry_backoff_max": 3600,
    "retry_jitter": False,
    "max_retries": 6,
    "ignore_result": True,
}


@shared_task(acks_late=True, ignore_result=True)
def run_job(name: str) -> dict:
    return jobs.run_job(name).counts


@shared_task(**RETRY)
def send_notification_email(notification_id: int) -> bool:
    return services.send_email(notification_id)
