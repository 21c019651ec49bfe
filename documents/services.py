"""Client documents: upload, a new version, removal, a new expiry date, and the renewal
reminder. Every change is kept in the audit history (django-simple-history) with who
made it; nothing is deleted."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from crm.uploads import check_attachment
from notifications.services import Reminder, notify_many

from .models import ClientDocument

RENEWAL_KIND = "documents.renewal"


def renewal_days() -> int:
    return settings.CRM_DOCUMENT_RENEWAL_DAYS


@transaction.atomic
def upload_document(
    *,
    client: Client,
    by: User,
    kind: str,
    title: str,
    file,
    expires_on: date | None = None,
    replaces: ClientDocument | None = None,
) -> ClientDocument:
    """Attach a document to a client (the caller has checked that ``by`` may see it). With
    ``replaces``, the new file is the next version of that document, which stays in the
    history as replaced."""
    check_attachment(file)
    if replaces is not None:
        replaces = ClientDocument.objects.select_for_update().get(pk=replaces.pk)
        if replaces.client_id != client.pk:
            raise ValidationError(_("This document belongs to another client."))
        if replaces.removed_at is not None or ClientDocument.objects.filter(replaces=replaces).exists():
            raise ValidationError(_("This document was already removed or replaced."))
    document = ClientDocument(
        client=client, kind=kind, title=title.strip(), file=file, expires_on=expires_on, uploaded_by=by,
        replaces=replaces,
    )  # fmt: skip
    document._history_user = by
    document.full_clean(exclude=["file"])
    document.save()
    return document


@transaction.atomic
def remove_document(document: ClientDocument, *, by: User) -> ClientDocument:
    """Take a document off the client's list; the row and its file stay for the history."""
    document = ClientDocument.objects.select_for_update().get(pk=document.pk)
    if document.removed_at is not None:
        return document
    document.removed_at = timezone.now()
    document.removed_by = by
    document._history_user = by
    document.save(update_fields=["removed_at", "removed_by"])
    return document


@transaction.atomic
def change_expiry(document: ClientDocument, *, by: User, expires_on: date | None) -> ClientDocument:
    """A new expiry or renewal date; the reminder is due again for it (``reminded_for`` no
    longer matches)."""
    document = ClientDocument.objects.select_for_update().get(pk=document.pk)
    if document.removed_at is not None:
        raise ValidationError(_("This document was removed."))
    if document.expires_on != expires_on:
        document.expires_on = expires_on
        document._history_user = by
        document.save(update_fields=["expires_on"])
    return document


def due_for_reminder(today: date):
    """Current documents whose date falls within the renewal window and whose reminder for
    that date has not gone yet."""
    return (
        ClientDocument.objects.current()
        .filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=renewal_days()))
        .filter(client__owner__is_active=True)
        .exclude(reminded_for=F("expires_on"))
    )


def send_renewal_reminders(today: date) -> int:
    """Tell each document's manager (the client's) once, ``CRM_DOCUMENT_RENEWAL_DAYS`` before
    its date: the row is claimed by a conditional UPDATE of its sent marker, and the
    notification is unique per document and date, so a second run, a second beat or a
    retried task sends nothing again. A new date re-arms the reminder."""
    reminders = []
    with transaction.atomic():
        for document in due_for_reminder(today).select_related("client__owner"):
            claimed = (
                ClientDocument.objects.filter(pk=document.pk, expires_on=document.expires_on)
                .exclude(reminded_for=F("expires_on"))
                .update(reminded_for=document.expires_on)
            )
            owner = document.client.owner
            if not claimed or not owner.is_active:
                continue
            with translation.override(owner.language):
                message = _("%(document)s of %(client)s expires on %(date)s: arrange the renewal.") % {
                    "document": document,
                    "client": document.client.name,
                    "date": f"{document.expires_on:%Y-%m-%d}",
                }
            reminders.append(
                Reminder(
                    owner,
                    RENEWAL_KIND,
                    f"{document.pk}:{document.expires_on:%Y-%m-%d}",
                    message,
                    document.client.get_absolute_url(),
                )
            )
        return notify_many(reminders)
