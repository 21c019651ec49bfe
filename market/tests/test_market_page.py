"""The market information page and its CSV: each person sees the observations of their
scope only (another team's never appear, not in the export either), filtered by area,
manager, brand and month, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from market.tests.factories import MarketObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, teammate, other_manager):
    mine = ClientFactory(owner=manager, name="Acme Tea")
    theirs = ClientFactory(owner=teammate, name="Teammate Tea")
    hidden = ClientFactory(owner=other_manager, name="Bravo Hidden Co")
    MarketObservationFactory(client=mine, brand="Red River", price=18, shelf_share=40)
    MarketObservationFactory(client=theirs, brand="Blue Sky", promotion='=HYPERLINK("http://x")')
    MarketObservationFactory(client=hidden, brand="Secret Rival")
    return mine, theirs, hidden


def page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("market:list") + query)


def export(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("market:export") + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_manager_sees_only_their_own(client, manager, world):
    body = page(client, manager).content.decode()
    assert "Red River" in body
    assert "Blue Sky" not in body and "Secret Rival" not in body and "Bravo Hidden Co" not in body
    rows = export(client, manager)
    assert [row[6] for row in rows[1:]] == ["Red River"]


def test_a_supervisor_sees_their_team_and_never_another(client, supervisor, world):
    body = page(client, supervisor).content.decode()
    assert "Red River" in body and "Blue Sky" in body
    assert "Secret Rival" not in body and "Bravo Hidden Co" not in body
    brands = sorted(row[6] for row in export(client, supervisor)[1:])
    assert brands == ["Blue Sky", "Red River"]


def test_another_teams_supervisor_sees_none_of_it(client, other_supervisor, world):
    body = page(client, other_supervisor).content.decode()
    assert "Secret Rival" in body
    assert "Red River" not in body and "Blue Sky" not in body
    assert [row[6] for row in export(client, other_supervisor)[1:]] == ["Secret Rival"]


def test_an_admin_sees_all(client, admin_user, world):
    assert len(export(client, admin_user)) == 4


def test_the_export_writes_typed_text_as_text_never_a_formula(client, supervisor, world):
    rows = export(client, supervisor)
    promotions = [row[9] for row in rows[1:] if row[9]]
    assert promotions == ['\'=HYPERLINK("http://x")']


def test_filters_by_manager_brand_and_month(client, supervisor, teammate, world):
    assert "Blue Sky" not in page(client, supervisor, "?brand=red").content.decode()
    body = page(client, supervisor, f"?owner={teammate.pk}").content.decode()
    assert "Blue Sky" in body and "Red River" not in body
    month = timezone.localdate().replace(day=1)
    assert "Red River" in page(client, supervisor, f"?month={month:%Y-%m}").content.decode()
    assert "Red River" not in page(client, supervisor, "?month=2001-01").content.decode()
    rows = export(client, supervisor, "?brand=blue")
    assert [row[6] for row in rows[1:]] == ["Blue Sky"]


def test_the_summary_groups_by_area_brand_and_month(client, supervisor, manager):
    acme = ClientFactory(owner=manager)
    other = ClientFactory(owner=manager)
    for day, target in ((10, acme), (11, other), (12, acme)):
        MarketObservationFactory(client=target, brand="Red River", price=10 + day, observed_on=date(2026, 10, day))
    MarketObservationFactory(client=acme, brand="Red River", price=30, observed_on=date(2026, 9, 1))
    summary = page(client, supervisor).context["summary"]
    october = [row for row in summary if row["month"] == date(2026, 10, 1)]
    assert len(october) == 1
    assert (october[0]["observations"], october[0]["clients"]) == (3, 2)
    assert october[0]["average_price"] == pytest.approx(21)


def test_out_of_scope_or_malformed_filters_are_not_found_or_ignored(client, manager, supervisor, other_manager, world):
    assert page(client, supervisor, f"?owner={other_manager.pk}").status_code == 404
    assert page(client, supervisor, "?owner=abc").status_code == 404
    assert page(client, supervisor, "?team=99999999999999999999").status_code == 404
    assert page(client, manager, f"?team={other_manager.team_id}").status_code == 404
    for query in ("?month=2026-13", "?month=%00", "?page=-1", "?page=abc", "?brand=" + "x" * 5000):
        assert page(client, supervisor, query).status_code == 200
    client.force_login(supervisor)
    assert client.get(reverse("market:export") + f"?owner={other_manager.pk}").status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, supervisor, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            MarketObservationFactory(client=ClientFactory(owner=ManagerFactory(team=manager.team)))

    add(2)
    client.force_login(supervisor)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse("market:list")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("market:list")).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("market:export"))
