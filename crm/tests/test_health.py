"""/healthz says the process answers; /readyz checks the database, migrations, cache,
broker and the worker and beat heartbeats, and answers 503 when one is missing."""

import shutil
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import health
from crm.celery import app as celery_app
from notifications import heartbeats
from notifications.models import Heartbeat
from tests.reliability.services import Redis, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def alive():
    heartbeats.record("worker1@host", "worker")
    heartbeats.record("beat", "beat")


def test_healthz_is_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_with_everything_up(client, alive):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert set(checks) == {"database", "migrations", "cache", "broker", "worker", "beat"}
    assert all(check["ok"] for check in checks.values())


def test_readyz_without_a_recent_worker_or_beat_is_503(client, alive, settings, admin_user):
    client.force_login(admin_user)  # staff see the details (ages), see test_readyz_details.py
    Heartbeat.objects.filter(kind="worker").update(seen_at=timezone.now() - timedelta(minutes=10))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False and response.json()["checks"]["beat"]["ok"] is True
    Heartbeat.objects.all().delete()  # never seen at all
    checks = client.get(reverse("readyz")).json()["checks"]
    assert checks["beat"] == {"ok": False, "age_seconds": None}


def test_readyz_reports_unapplied_migrations(client, alive, monkeypatch, admin_user):
    client.force_login(admin_user)
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("app", "0099")])
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "detail": "RuntimeError: 1 migration(s) not applied",
    }


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server (installed in CI)")
def test_readyz_reports_a_stopped_redis(client, alive, settings, monkeypatch):
    """A Redis of our own on a spare port serves as cache and broker; once it is stopped,
    /readyz answers 503 and names both."""
    redis = Redis()
    redis.start()
    try:
        settings.CACHES = {"default": {"BACKEND": "crm.cache.ResilientRedisCache", "LOCATION": redis.url}}
        # (the write URL first: its saved value must be the real one, not derived from ours)
        monkeypatch.setattr(celery_app.conf, "broker_write_url", None)
        monkeypatch.setattr(celery_app.conf, "broker_url", redis.url)
        assert client.get(reverse("readyz")).status_code == 200
    finally:
        redis.stop()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False and checks["broker"]["ok"] is False
    assert checks["database"]["ok"] is True


def test_the_cache_survives_an_unreachable_redis_but_not_a_wrong_password(settings, monkeypatch):
    from redis.exceptions import AuthenticationError

    from crm import cache as resilient

    port = free_port()  # nothing listens there
    settings.CACHES = {"default": {"BACKEND": "crm.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}  # fmt: skip
    from django.core.cache import caches

    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("lock", "me") is False and cache.get_many(["a", "b"]) == {}
    cache.set("x", 1)
    cache.delete_many(["x"])  # no error: skipped
    calls = []
    monkeypatch.setattr(resilient.RedisCache, "get", lambda *a, **k: calls.append(1))
    cache.get("again")
    assert calls == []  # within the retry pause, Redis is not tried again

    def refused(*args, **kwargs):
        raise AuthenticationError("invalid password")

    monkeypatch.setattr(resilient.RedisCache, "set", refused)
    cache.__dict__.pop("_outage", None)
    with pytest.raises(AuthenticationError):
        cache.set("y", 1)
