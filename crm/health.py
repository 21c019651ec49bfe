"""Read-only checks of the services the CRM depends on, used by /healthz."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.utils import timezone

from .celery import app as celery_app
from .tasks import HEARTBEAT_CACHE_KEY


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache() -> str:
    cache.set("crm:healthz", "ok", timeout=30)
    if cache.get("crm:healthz") != "ok":
        raise RuntimeError("cache did not return what was written")
    return caches["default"].__class__.__name__


def check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type


def heartbeat_age_seconds() -> float | None:
    """Seconds since the beat's last heartbeat ran on a worker, or None if never."""
    raw = cache.get(HEARTBEAT_CACHE_KEY)
    if not raw:
        return None
    return (timezone.now() - datetime.fromisoformat(raw)).total_seconds()


def run_checks() -> tuple[bool, dict]:
    results: dict[str, dict] = {}
    healthy = True
    for name, check in (("database", check_database), ("cache", check_cache), ("broker", check_broker)):
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # noqa: BLE001 - a health check reports every failure
            healthy = False
            results[name] = {"ok": False, "detail": f"{exc.__class__.__name__}: {exc}"}
    age = heartbeat_age_seconds()
    max_age = settings.CRM_HEARTBEAT_MAX_AGE.total_seconds()
    # A missing or stale heartbeat is reported but does not fail the web check:
    # the web can serve while the worker restarts.
    results["beat"] = {"ok": age is not None and age <= max_age, "age_seconds": age}
    return healthy, results
