"""Stored answers of idempotent creates are kept two days: long enough for any retry."""

from datetime import timedelta

from notifications.jobs import job

from .models import IdempotencyRecord

KEEP = timedelta(days=2)


@job("api.purge_idempotency")
def purge_idempotency(now):
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - KEEP).delete()
    return {"deleted": deleted}
