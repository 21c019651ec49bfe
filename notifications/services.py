"""Delivering notifications: once per (recipient, kind, key), with a cached unread count."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

from .models import Notification

UNREAD_CACHE_SECONDS = 300


def _unread_key(user) -> str:
    # The account's creation time keeps a recycled primary key (a test database, a
    # restore) from reading another account's count.
    return f"notifications:unread:{user.pk}:{user.date_joined.timestamp():.0f}"


def notify(recipients: Iterable, *, kind: str, key: str, message: str, url: str = "") -> int:
    """Deliver to each recipient unless they already have this (kind, key); returns how
    many were new. Safe to call again for the same event: nothing is duplicated."""
    recipients = {user.pk: user for user in recipients if user is not None}
    if not recipients:
        return 0
    existing = set(
        Notification.objects.filter(recipient__in=recipients, kind=kind, key=key).values_list("recipient_id", flat=True)
    )
    new = [
        Notification(recipient_id=user_id, kind=kind, key=key, message=message[:300], url=url)
        for user_id in recipients
        if user_id not in existing
    ]
    # ignore_conflicts: a concurrent delivery of the same notification wins, ours is dropped.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    cache.delete_many([_unread_key(recipients[n.recipient_id]) for n in new])
    return len(new)


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
