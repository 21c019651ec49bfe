"""Survey e-mails, one task per invitation id (the sweeps in ``surveys.jobs`` queue them)."""

from celery import shared_task

from notifications.tasks import RETRY

from . import services

# The services are idempotent, so a retry or a redelivery never sends twice.


@shared_task(**RETRY)
def send_invitation(invitation_id: int) -> bool:
    return services.send(invitation_id)


@shared_task(**RETRY)
def send_reminder(invitation_id: int) -> bool:
    return services.remind(invitation_id)
