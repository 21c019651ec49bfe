"""Signs of life of the background processes: each worker records one every
CRM_HEARTBEAT_SECONDS (a bootstep in crm/celery.py), the beat's heartbeat task records
one when a worker runs it. /readyz and the admin read them."""

from __future__ import annotations

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max
from django.utils import timezone

from .models import Heartbeat


def record(name: str, kind: str, detail: str = "", *, started: bool = False) -> None:
    now = timezone.now()
    defaults = {"kind": kind, "seen_at": now, "detail": detail[:300]}
    if started:
        defaults["started_at"] = now
    Heartbeat.objects.update_or_create(name=name, defaults=defaults, create_defaults={**defaults, "started_at": now})


def forget(name: str) -> None:
    """A worker that stops cleanly removes its row: only crashed workers linger (as stale)."""
    Heartbeat.objects.filter(name=name).delete()


def status(now=None) -> dict[str, dict]:
    """Per kind: whether one is alive, and the age in seconds of the freshest heartbeat."""
    now = now or timezone.now()
    max_age = settings.CRM_HEARTBEAT_MAX_AGE.total_seconds()
    latest = dict(Heartbeat.objects.values("kind").annotate(latest=Max("seen_at")).values_list("kind", "latest"))
    result = {}
    for kind in Heartbeat.Kind.values:
        age = round((now - latest[kind]).total_seconds(), 1) if kind in latest else None
        result[kind] = {"ok": age is not None and age <= max_age, "age_seconds": age}
    return result


def release_connection() -> None:
    """After a heartbeat from a long-lived process (worker main process, beat): drop a
    broken or expired database connection, as Django does after each request. Not inside
    a transaction (a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()
