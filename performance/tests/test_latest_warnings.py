"""The home pages' latest warnings (issue #31): a manager's are read by their clients' ids
(``= ANY(ARRAY(…))`` on PostgreSQL), with the same rows and order as the scoped join."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.scoping import scope_for
from clients.tests.factories import ClientFactory
from performance.models import ClientWarning
from performance.selectors import latest_warnings, visible_warnings


def flag(client, rule, when):
    return ClientWarning.objects.create(client=client, rule=rule, first_flagged_at=when, last_seen_at=when)


def by_join(user, limit=5):
    warnings = visible_warnings(user).select_related("client")
    return list(warnings.order_by("-first_flagged_at", "client__name", "rule")[:limit])


@pytest.fixture
def flagged(manager, other_manager, teammate):
    now = timezone.now()
    for n, name in enumerate(["Delta", "Alpha", "Charlie", "Bravo", "Echo", "Foxtrot"]):
        mine = ClientFactory(owner=manager, name=name)
        flag(mine, "repeated_complaints", now - timedelta(days=n % 2))  # ties broken by name
        flag(mine, "falling_activity", now - timedelta(days=n % 2))  # … then by rule
    flag(ClientFactory(owner=manager, name="Zulu"), "repeated_complaints", now - timedelta(days=9))
    ClientWarning.objects.filter(client__name="Zulu").update(active=False)
    for owner in (other_manager, teammate):
        flag(ClientFactory(owner=owner, name="Aaron"), "repeated_complaints", now + timedelta(hours=1))
    return now


@pytest.mark.django_db
def test_a_manager_sees_their_own_latest_warnings_newest_first(manager, flagged):
    with CaptureQueriesContext(connection) as queries:
        latest = latest_warnings(manager, scope=scope_for(manager))
    assert len(queries) == 1
    assert [(w.client.name, w.rule) for w in latest] == [
        ("Charlie", "falling_activity"), ("Charlie", "repeated_complaints"),
        ("Delta", "falling_activity"), ("Delta", "repeated_complaints"),
        ("Echo", "falling_activity"),
    ]  # fmt: skip
    assert [w.pk for w in latest] == [w.pk for w in by_join(manager)]
    assert [w.pk for w in latest_warnings(manager, limit=50)] == [w.pk for w in by_join(manager, 50)]
    if connection.vendor == "postgresql":
        assert "= ANY((ARRAY(SELECT" in queries[0]["sql"]


@pytest.mark.django_db
def test_a_supervisor_sees_the_teams_latest_warnings(supervisor, manager, flagged):
    latest = latest_warnings(supervisor, limit=20)
    assert [w.pk for w in latest] == [w.pk for w in by_join(supervisor, 20)]
    assert latest[0].client.name == "Aaron"  # the teammate's client, flagged last
    assert all(w.client.owner_id != manager.pk or w.client.name != "Zulu" for w in latest)


@pytest.mark.django_db
def test_a_manager_without_clients_sees_none(other_manager):
    assert latest_warnings(other_manager) == []
