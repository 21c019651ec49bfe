"""Tombstones are kept CRM_SYNC_KEEP_DAYS: a phone that has not synced for longer is told to
load everything again (``resync`` in the change feed) instead of reading an endless list."""

from datetime import timedelta

from django.conf import settings

from notifications.jobs import job

from .models import Tombstone


@job("sync.prune_tombstones")
def prune_tombstones(now):
    deleted, _ = Tombstone.objects.filter(at__lt=now - timedelta(days=settings.CRM_SYNC_KEEP_DAYS)).delete()
    return {"deleted": deleted}
