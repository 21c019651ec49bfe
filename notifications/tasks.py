"""The Celery side of reminders: one task runs any registered job, one sends an e-mail."""

import logging
from functools import wraps

from celery import shared_task
from django.conf import settings

from . import jobs, services
from .mail import PERMANENT, TRANSIENT

log = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    """Exponential backoff: CRM_TASK_RETRY_BACKOFF seconds, doubling, at most an hour."""
    return min(settings.CRM_TASK_RETRY_BACKOFF * 2**retries, 3600)


def delivery_task(function=None, *, on_give_up=None):
    """A task that takes ids and retries transient errors with backoff. acks_late: a
    worker that dies mid-task leaves the message for another one; the work is idempotent,
    so running it again delivers nothing twice. ``on_give_up(*args, error=…)`` runs when a
    transient error outlasts the retries, so that the record can say nothing will retry."""
    if function is None:
        return lambda function: delivery_task(function, on_give_up=on_give_up)

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
            if self.request.retries >= self.max_retries:
                log.warning("%s%s out of retries; given up", function.__name__, args, exc_info=True)
                if on_give_up is not None:
                    on_give_up(*args, error=error)
            raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error

    return task


@shared_task(acks_late=True, ignore_result=True)
def run_job(name: str) -> dict:
    return jobs.run_job(name).counts


@delivery_task(on_give_up=services.give_up_email)
def send_notification_email(notification_id: int) -> bool:
    return services.send_email(notification_id)
