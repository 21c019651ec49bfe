"""/readyz tells anonymous callers only whether each check passed (issue #28, item 10): the
database engine, the cache class and error texts go only to staff and to the addresses in
CRM_READYZ_DETAIL_IPS. The status codes are the same for everyone."""

import pytest
from django.urls import reverse

from crm import health
from notifications import heartbeats

pytestmark = pytest.mark.django_db


@pytest.fixture
def alive():
    heartbeats.record("worker1@host", "worker")
    heartbeats.record("beat", "beat")


@pytest.fixture
def broken_database(monkeypatch):
    def fail():
        raise RuntimeError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(health, "check_database", fail)


def test_anonymous_callers_get_the_status_without_details(client, alive, broken_database):
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"ok": False}
    assert body["checks"]["cache"] == {"ok": True}
    assert "db.internal" not in response.content.decode()
    assert "sqlite" not in response.content.decode() and "Cache" not in response.content.decode()


def test_anonymous_callers_get_200_when_ready(client, alive):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert all(check == {"ok": True} for check in response.json()["checks"].values())


def test_staff_get_the_details(client, alive, broken_database, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert "db.internal" in response.json()["checks"]["database"]["detail"]


def test_a_supervisor_is_not_staff(client, alive, broken_database, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("readyz")).json()["checks"]["database"] == {"ok": False}


def test_listed_addresses_get_the_details(client, alive, broken_database, settings):
    settings.CRM_READYZ_DETAIL_IPS = ["10.1.0.0/16", "192.0.2.7"]
    listed = client.get(reverse("readyz"), REMOTE_ADDR="10.1.2.3")
    assert listed.status_code == 503 and "db.internal" in listed.json()["checks"]["database"]["detail"]
    assert "detail" in client.get(reverse("readyz"), REMOTE_ADDR="192.0.2.7").json()["checks"]["database"]
    other = client.get(reverse("readyz"), REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 503 and other.json()["checks"]["database"] == {"ok": False}
