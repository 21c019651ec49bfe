"""Readiness checks of what the CRM depends on, for /readyz (load balancers, monitors).
/healthz only says the process answers."""

from __future__ import annotations

from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from notifications import heartbeats

from .celery import app as celery_app

_migrations_applied = False  # once true, stays true for this process (a deploy restarts it)


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connections[DEFAULT_DB_ALIAS].vendor


def check_migrations() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise RuntimeError(f"{len(plan)} migration(s) not applied")
        _migrations_applied = True
    return "applied"


def check_cache() -> str:
    cache.set("crm:readyz", "ok", timeout=30)
    if cache.get("crm:readyz") != "ok":
        raise RuntimeError("cache did not return what was written")
    return caches["default"].__class__.__name__


def check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport.driver_type


def run_checks() -> tuple[bool, dict]:
    """Every check, each reported on its own; ready only when all pass: the services
    answer, the schema is current, and a worker and the beat were seen recently."""
    results: dict[str, dict] = {}
    checks = (
        ("database", check_database),
        ("migrations", check_migrations),
        ("cache", check_cache),
        ("broker", check_broker),
    )
    for name, check in checks:
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # noqa: BLE001 - a health check reports every failure
            results[name] = {"ok": False, "detail": f"{exc.__class__.__name__}: {exc}"}
    results["worker"] = results["beat"] = {"ok": False, "age_seconds": None}
    if results["database"]["ok"] and results["migrations"]["ok"]:
        try:
            seen = heartbeats.status()
            results["worker"], results["beat"] = seen["worker"], seen["beat"]
        except Exception as exc:  # noqa: BLE001
            results["worker"] = results["beat"] = {"ok": False, "detail": f"{exc.__class__.__name__}: {exc}"}
    return all(result["ok"] for result in results.values()), results
