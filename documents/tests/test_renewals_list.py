"""The "Renewals due" list: documents expiring within ?days= (30 by default) of the
clients in the user's scope, per manager, filterable by manager and team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from documents.tests.factories import ClientDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def world(manager, teammate, other_manager):
    ClientDocumentFactory(client=ClientFactory(owner=manager), title="Mine soon", expires_on=in_days(10))
    ClientDocumentFactory(client=ClientFactory(owner=manager), title="Mine later", expires_on=in_days(45))
    ClientDocumentFactory(client=ClientFactory(owner=teammate), title="Teammate soon", expires_on=in_days(20))
    ClientDocumentFactory(client=ClientFactory(owner=other_manager), title="Bravo secret", expires_on=in_days(5))


def titles(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("documents:renewals") + query)
    assert response.status_code == 200
    return [document.title for document in response.context["page"]], response


def test_a_manager_sees_their_own_within_30_days(client, manager, world):
    shown, response = titles(client, manager)
    assert shown == ["Mine soon"]
    assert "Bravo secret" not in response.content.decode()
    assert titles(client, manager, "?days=60")[0] == ["Mine soon", "Mine later"]


def test_a_supervisor_sees_the_team_per_manager_and_filters_by_manager(client, supervisor, teammate, world):
    shown, response = titles(client, supervisor)
    assert shown == ["Mine soon", "Teammate soon"]
    assert "Bravo secret" not in response.content.decode()
    assert sorted(row["due"] for row in response.context["per_manager"]) == [1, 1]
    assert titles(client, supervisor, f"?owner={teammate.pk}")[0] == ["Teammate soon"]


def test_another_team_never_appears(client, other_supervisor, world):
    shown, response = titles(client, other_supervisor, "?days=366")
    assert shown == ["Bravo secret"]
    assert "Mine soon" not in response.content.decode()


@pytest.mark.parametrize("days", ["0", "-5", "abc", "99999999999999999999", "367", "%00"])
def test_a_bad_number_of_days_is_the_default(client, manager, world, days):
    assert titles(client, manager, f"?days={days}")[1].context["days"] == 30


def test_out_of_scope_filters_are_not_found(client, manager, supervisor, other_manager, world):
    client.force_login(supervisor)
    url = reverse("documents:renewals")
    assert client.get(f"{url}?owner={other_manager.pk}").status_code == 404
    assert client.get(f"{url}?owner=1e9").status_code == 404
    assert client.get(f"{url}?team={other_manager.team_id}").status_code == 404
    assert client.get(f"{url}?page=999").status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(client, supervisor, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            owner = ManagerFactory(team=manager.team)
            ClientDocumentFactory(client=ClientFactory(owner=owner), expires_on=in_days(7))

    add(2)
    client.force_login(supervisor)
    url = reverse("documents:renewals")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
