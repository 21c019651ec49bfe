"""The nightly rebuild of the rollups: this month and the last, in case anything drifted (a
write that bypassed the services, a bulk fix in the database). A few queries per month, each
rollup grouped and written by the database (``INSERT … SELECT`` of the query its refreshes
read: ``rollups.services.rebuild_month``): both months in under 5 s at 100,000 clients."""

from __future__ import annotations

from django.utils import timezone

from notifications.jobs import job
from visits.rules import month_start, previous_month

from . import services


@job("rollups.rebuild")
def _rebuild(now):
    month = month_start(timezone.localdate(now))
    return {f"{m:%Y-%m}": services.rebuild_month(m) for m in (previous_month(month), month)}
