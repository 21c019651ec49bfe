"""Delivering notifications: once per (recipient, kind, key), with a cached unread count,
and by e-mail as each user prefers (each one, a daily digest, or none)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import EmailPreference, User

from . import mail
from .models import Notification

log = logging.getLogger(__name__)
UNREAD_CACHE_SECONDS = 300


def _unread_key(user) -> str:
    # The account's creation time keeps a recycled primary key (a test database, a
    # restore) from reading another account's count.
    return f"notifications:unread:{user.pk}:{user.date_joined.timestamp():.0f}"


@dataclass(frozen=True)
class Reminder:
    """One notification to deliver; ``message`` is already in the recipient's language."""

    recipient: User
    kind: str
    key: str
    message: str
    url: str = ""


def notify(recipients: Iterable, *, kind: str, key: str, message: str, url: str = "") -> int:
    """Deliver to each recipient unless they already have this (kind, key); returns how
    many were new. Safe to call again for the same event: nothing is duplicated."""
    return notify_many(Reminder(user, kind, key, message, url) for user in recipients if user is not None)


def notify_many(reminders: Iterable[Reminder]) -> int:
    """Deliver many reminders in a fixed number of queries (the sweeps use this); returns
    how many this call delivered.

    The unique (recipient, kind, key) constraint makes delivery idempotent: a second run,
    a duplicate beat or a retried task finds the row there and adds nothing. Two runs at
    the same moment may both find a row missing; the database keeps the first insert and
    tells each run which rows were its own, so only those are counted and e-mailed.
    """
    wanted = {(r.recipient.pk, r.kind, r.key): r for r in reminders}
    if not wanted:
        return 0
    kinds = {kind for _, kind, _ in wanted}
    keys = {key for _, _, key in wanted}
    existing = set(
        Notification.objects.filter(
            recipient__in={user_id for user_id, _, _ in wanted}, kind__in=kinds, key__in=keys
        ).values_list("recipient_id", "kind", "key")
    )
    new = [
        Notification(recipient_id=r.recipient.pk, kind=r.kind, key=r.key, message=r.message[:300], url=r.url)
        for triple, r in wanted.items()
        if triple not in existing
    ]
    inserted = insert_new(new)
    cache.delete_many([_unread_key(wanted[triple].recipient) for triple in inserted.values()])
    immediate = [
        pk
        for pk, triple in inserted.items()
        if wanted[triple].recipient.email_notifications == EmailPreference.EACH and wanted[triple].recipient.email
    ]
    if immediate:
        _enqueue_emails(immediate)
    return len(inserted)


INSERT_BATCH_SIZE = 500


def insert_new(notifications: list[Notification]) -> dict[int, tuple[int, str, str]]:
    """Insert the notifications that are not there yet and return the ones this call
    inserted, ``{pk: (recipient_id, kind, key)}``.

    ``bulk_create(ignore_conflicts=True)`` cannot say which rows it skipped, so this is
    ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, and SQLite from 3.35): a row
    that a concurrent delivery inserted first (even one not committed yet, which the
    database waits for) is skipped and not returned."""
    if not notifications:
        return {}
    db = Notification.objects.db
    conn = connections[db]
    quote = conn.ops.quote_name
    meta = Notification._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    returning = ", ".join(quote(meta.get_field(name).column) for name in ("id", "recipient", "kind", "key"))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted = {}
    with conn.cursor() as cursor:
        for start in range(0, len(notifications), INSERT_BATCH_SIZE):
            batch = notifications[start : start + INSERT_BATCH_SIZE]
            params = [
                field.get_db_prep_save(field.pre_save(notification, add=True), conn)
                for notification in batch
                for field in fields
            ]
            # Only column names and placeholders are formatted in; the values are parameters.
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * len(batch))} "  # noqa: S608
                f"ON CONFLICT DO NOTHING RETURNING {returning}",
                params,
            )
            inserted.update({pk: (recipient_id, kind, key) for pk, recipient_id, kind, key in cursor.fetchall()})
    return inserted


def _enqueue_emails(ids: list[int]) -> None:
    """After commit, one e-mail task per notification; if the broker is down, the e-mail
    sweep (``notifications.send_pending_emails``) sends them later."""
    from .tasks import send_notification_email

    def enqueue():
        for pk in ids:
            try:
                send_notification_email.delay(pk)
            except Exception:
                log.warning("could not queue e-mail for notification %s; the sweep will send it", pk, exc_info=True)
                return

    transaction.on_commit(enqueue)


def unread_count(user) -> int:
    """Shown on every page: cached, so the navigation costs no query."""
    count = cache.get(_unread_key(user))
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(_unread_key(user), count, UNREAD_CACHE_SECONDS)
    return count


def mark_read(user, notification_ids=None) -> int:
    """Mark some (or all) of the user's unread notifications read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    changed = unread.update(read_at=timezone.now())
    cache.delete(_unread_key(user))
    return changed


# --- e-mail ---------------------------------------------------------------------------


def absolute(url: str) -> str:
    return settings.CRM_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def send_email(notification_id: int) -> bool:
    """E-mail one notification once. The row is locked while sending, so a retry, a
    redelivered task and the sweep cannot send it twice; a failure is logged on the row
    (as given up when sending again would fail the same way) and raised for the task."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, email_failed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        user = notification.recipient
        with translation.override(user.language):
            body = render_to_string(
                "notifications/email/one.txt",
                {"user": user, "notification": notification, "link": absolute(notification.url)},
            )
            subject = _("CRM reminder: %(message)s") % {"message": notification.message[:80]}
        try:
            mail.send(subject=subject, body=body, to=user.email)
        except Exception as error:  # noqa: BLE001 (logged on the row, then raised for the retry)
            failure = error
        else:
            failure = None
            notification.emailed_at = timezone.now()
            notification.email_error = ""
            notification.save(update_fields=["emailed_at", "email_error"])
    if failure is not None:
        # Outside the transaction, so that the delivery log keeps the error.
        record_email_failure([notification_id], failure, permanent=not mail.will_retry(failure))
        raise failure
    return True


def record_email_failure(notification_ids: Iterable[int], error: BaseException, *, permanent: bool) -> None:
    """Keep why the e-mail of these notifications failed on their rows (the delivery log);
    a failure that nothing will retry is also marked given up."""
    changes = {"email_error": (str(error) or error.__class__.__name__)[:300]}
    if permanent:
        changes["email_failed_at"] = timezone.now()
    Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True).update(**changes)


def give_up_email(notification_id: int, *, error: BaseException) -> None:
    """The e-mail task ran out of retries: nothing will send this one any more."""
    record_email_failure([notification_id], error, permanent=True)


def send_digests(now: datetime | None = None) -> dict:
    """One e-mail per digest user with everything not yet e-mailed (from the last week, so
    that a missed or failed digest is caught up by the next one)."""
    now = now or timezone.now()
    since = now - timedelta(days=7)
    counts = {"emails": 0, "notifications": 0, "failed": 0}
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
            created_at__gte=since,
            recipient__email_notifications=EmailPreference.DIGEST,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    for items in by_user.values():
        user = items[0].recipient
        with transaction.atomic():
            # Lock this user's rows: a second digest run running at the same time skips them.
            ids = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[n.pk for n in items], emailed_at__isnull=True)
                .values_list("pk", flat=True)
            )
            items = [n for n in items if n.pk in set(ids)]
            if not items:
                continue
            with translation.override(user.language):
                body = render_to_string(
                    "notifications/email/digest.txt",
                    {"user": user, "items": [(n, absolute(n.url)) for n in items], "inbox": absolute("/inbox/")},
                )
                subject = _("CRM: %(count)s reminder(s) for today") % {"count": len(items)}
            try:
                mail.send(subject=subject, body=body, to=user.email)
            except Exception as error:  # logged on the rows; the next digest tries again unless given up
                log.warning("digest to %s failed", user.pk, exc_info=True)
                record_email_failure(ids, error, permanent=not mail.will_retry(error))
                counts["failed"] += 1
                continue
            Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now(), email_error="")
            counts["emails"] += 1
            counts["notifications"] += len(ids)
    return counts


def pending_immediate_emails(now: datetime | None = None) -> list[int]:
    """Notifications of 'each' users that were never e-mailed (the broker was down or the
    task gave up): the sweep queues them again."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__gte=now - timedelta(days=1),
            created_at__lte=now - timedelta(minutes=5),
            recipient__email_notifications=EmailPreference.EACH,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .filter(email_error="")  # a failed one is being retried by its own task
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: settings.CRM_JOB_BATCH_SIZE]
    )
