"""The Celery side of reminders: one task runs any registered job, one sends an e-mail."""

import logging
import smtplib
from functools import wraps

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import jobs, services

log = logging.getLogger(__name__)

TRANSIENT = (OSError, OperationalError)  # mail server or database unreachable (SMTPException is an OSError)
# The server answered, and the answer will not change: retrying would only repeat it.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def retry_countdown(retries: int) -> int:
    """Exponential backoff: CRM_TASK_RETRY_BACKOFF seconds, doubling, at most an hour."""
    return min(settings.CRM_TASK_RETRY_BACKOFF * 2**retries, 3600)


def delivery_task(function):
    """A task that takes ids and retries transient errors with backoff. acks_late: a
    worker that dies mid-task leaves the message for another one; the work is idempotent,
    so running it again delivers nothing twice."""

    @shared_task(
        bind=True,
        name=f"{function.__module__}.{function.__name__}",
        acks_late=True,
        max_retries=6,
        ignore_result=True,
    )
    @wraps(function)
    def task(self, *args):
        try:
            return function(*args)
        except PERMANENT:
            log.warning("%s%s failed for good; not retried", function.__name__, args, exc_info=True)
            return False
        except TRANSIENT as error:
            raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error

    return task


@shared_task(acks_late=True, ignore_result=True)
def run_job(name: str) -> dict:
    return jobs.run_job(name).counts


@delivery_task
def send_notification_email(notification_id: int) -> bool:
    return services.send_email(notification_id)
