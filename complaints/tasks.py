"""Scheduled complaint jobs (the reminders issue adds e-mail and the inbox around them)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def escalate_breached() -> int:
    return services.escalate_breached()


@shared_task(ignore_result=True)
def close_unanswered() -> int:
    return services.close_unanswered()
