"""Survey jobs: invitations after closed complaints and by tier cadence, sending the
due ones, one reminder, expiry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.jobs import BROKER_ERRORS, RowErrors, job
from notifications.services import Reminder, notify_many

from . import services
from .models import Invitation


@job("surveys.invite")
def invite(now):
    return {
        "after_complaints": services.invite_after_complaints(now),
        "by_cadence": services.invite_by_cadence(timezone.localdate(now)),
    }


@job("surveys.send_due")
def send_due(now):
    """Pending invitations whose time has come: e-mailed when the contact has an address
    (one task per invitation), otherwise the manager is asked to send the link by hand."""
    from .tasks import send_invitation

    pending = Invitation.objects.filter(state=Invitation.State.PENDING, send_after__lte=now, expires_at__gt=now)
    # Two selections, so that links waiting to be sent by hand never crowd out e-mails.
    by_email = pending.filter(contact__email__gt="").order_by("send_after", "pk")
    by_hand = (
        pending.exclude(contact__email__gt="")
        .filter(send_after__gt=now - timedelta(days=1))  # asked once, on the first day
        .select_related("client", "client__owner")
        .order_by("send_after", "pk")
    )
    errors, queued, reminders = RowErrors(), 0, []
    for pk in by_email.values_list("pk", flat=True)[: settings.CRM_JOB_BATCH_SIZE]:
        try:
            send_invitation.delay(pk)
            queued += 1
        except BROKER_ERRORS as error:  # broker down: the next run queues it again
            errors.add(f"invitation {pk}", error)
    for invitation in by_hand[: settings.CRM_JOB_BATCH_SIZE]:
        owner = invitation.client.owner
        with translation.override(owner.language):
            message = _("Send the survey link to %(client)s by SMS or WeChat.") % {"client": invitation.client.name}
        reminders.append(
            Reminder(owner, "survey.send_link", str(invitation.pk), message, invitation.get_absolute_url())
        )
    return {"queued": queued, "asked_by_hand": notify_many(reminders), "errors": errors.messages}


@job("surveys.remind")
def remind(now):
    """One reminder e-mail for a sent invitation still unanswered after N days."""
    from .tasks import send_reminder

    due = Invitation.objects.filter(
        state=Invitation.State.SENT,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(days=settings.CRM_SURVEY_REMINDER_DAYS),
        expires_at__gt=now,
        contact__email__gt="",
    ).values_list("pk", flat=True)[: settings.CRM_JOB_BATCH_SIZE]
    errors, queued = RowErrors(), 0
    for pk in due:
        try:
            send_reminder.delay(pk)
            queued += 1
        except BROKER_ERRORS as error:
            errors.add(f"invitation {pk}", error)
    return {"queued": queued, "errors": errors.messages}


@job("surveys.expire")
def expire(now):
    return {"expired": services.expire_due(now)}
