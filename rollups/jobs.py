"""The nightly rebuild of the rollups: this month and the last, in case anything drifted (a
write that bypassed the services, a bulk fix in the database). A few queries per month."""

from __future__ import annotations

from django.utils import timezone

from notifications.jobs import job
from visits.rules import month_start, previous_month

from . import services


@job("rollups.rebuild")
def _rebuild(now):
    month = month_start(timezone.localdate(now))
    return {f"{m:%Y-%m}": services.rebuild_month(m) for m in (previous_month(month), month)}
