import pytest
from django.core.cache import cache
from django.urls import reverse

from crm import health
from crm.tasks import HEARTBEAT_CACHE_KEY, heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_checks_database_cache_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert all(checks[name]["ok"] for name in ("database", "cache", "broker"))


def test_heartbeat_makes_beat_healthy(client):
    cache.delete(HEARTBEAT_CACHE_KEY)
    assert client.get(reverse("healthz")).json()["checks"]["beat"]["ok"] is False
    heartbeat()
    beat = client.get(reverse("healthz")).json()["checks"]["beat"]
    assert beat["ok"] is True
    assert 0 <= beat["age_seconds"] < 60


def test_broken_broker_answers_503(client, monkeypatch):
    def down():
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(health, "check_broker", down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "detail": "ConnectionError: broker unreachable"}
