"""The renewal reminder: documents expiring within CRM_DOCUMENT_RENEWAL_DAYS, once each."""

from django.utils import timezone

from notifications.jobs import job

from . import services


@job("documents.renewals_due")
def renewals_due(now):
    return {"notified": services.send_renewal_reminders(timezone.localdate(now))}
