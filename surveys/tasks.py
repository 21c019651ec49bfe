"""Survey e-mails, one task per invitation id (the sweeps in ``surveys.jobs`` queue them);
the services are idempotent, so a retry or a redelivery never sends twice."""

from notifications.tasks import delivery_task

from . import services


@delivery_task
def send_invitation(invitation_id: int) -> bool:
    return services.send(invitation_id)


@delivery_task
def send_reminder(invitation_id: int) -> bool:
    return services.remind(invitation_id)
