"""The e-mail jobs: the daily digest, and a sweep that re-queues e-mails that never left."""

from notifications.jobs import BROKER_ERRORS, RowErrors, job

from . import services


@job("notifications.email_digest")
def email_digest(now):
    return services.send_digests(now)


@job("notifications.resend_emails")
def resend_emails(now):
    from .tasks import send_notification_email

    errors, queued = RowErrors(), 0
    for pk in services.pending_immediate_emails(now):
        try:
            send_notification_email.delay(pk)
            queued += 1
        except BROKER_ERRORS as error:
            errors.add(f"notification {pk}", error)
            break  # the broker is down: the next run tries again
    return {"queued": queued, "errors": errors.messages}
