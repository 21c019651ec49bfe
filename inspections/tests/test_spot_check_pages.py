"""The spot-check pages: the create form (supervisors and admins, clients of their team
only), the scoped list with its statuses, the detail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from inspections.models import InspectionItem, SpotCheck
from notifications.models import Notification

from .factories import SpotCheckFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("inspections:create")
LIST = reverse("inspections:list")


def sheet(**fields):
    data = {"kind": "accompanied", "date": f"{timezone.localdate():%Y-%m-%d}", "remarks": "Good shelf"}
    for item in InspectionItem.objects.filter(is_active=True)[:7]:
        data[f"item_{item.pk}"] = "on"
    return {**data, **fields}


def test_a_supervisor_finds_a_client_of_the_team_and_records_a_check(client, supervisor, manager, other_manager):
    mine = ClientFactory(owner=manager, name="Acme Tea House", code="ACME-1")
    ClientFactory(owner=other_manager, name="Acme Other Team")
    client.force_login(supervisor)
    found = client.get(CREATE, {"q": "acme"})
    assert found.status_code == 200
    assert b"Acme Tea House" in found.content and b"Acme Other Team" not in found.content
    form = client.get(CREATE, {"client": mine.pk})
    assert form.status_code == 200 and form.content.count(b'data-testid="inspection-item"') == 10
    response = client.post(f"{CREATE}?client={mine.pk}", sheet())
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and response.url == check.get_absolute_url()
    assert (check.kind, check.client, check.manager, check.score, check.remarks) == (
        "accompanied", mine, manager, 70, "Good shelf"
    )  # fmt: skip
    assert Notification.objects.filter(recipient=manager, kind="inspections.spot_check").count() == 1


def test_errors_stay_next_to_the_fields_and_nothing_is_lost(client, supervisor, manager):
    mine = ClientFactory(owner=manager)
    client.force_login(supervisor)
    future = f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}"
    response = client.post(f"{CREATE}?client={mine.pk}", sheet(date=future, score="150", remarks="kept text"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "invalid-feedback" in body and "kept text" in body
    assert "A spot check cannot be dated in the future." in body
    assert not SpotCheck.objects.exists()


def test_a_supervisor_of_another_team_cannot_see_or_create_for_our_clients(client, other_supervisor, manager):
    mine = ClientFactory(owner=manager, name="Acme Tea House")
    check = SpotCheckFactory(client=mine)
    client.force_login(other_supervisor)
    assert client.get(CREATE, {"client": mine.pk}).status_code == 404
    assert client.post(f"{CREATE}?client={mine.pk}", sheet()).status_code == 404
    assert b"Acme Tea House" not in client.get(CREATE, {"q": "Acme"}).content
    assert client.get(check.get_absolute_url()).status_code == 404
    assert b"Acme Tea House" not in client.get(LIST).content
    assert SpotCheck.objects.count() == 1


def test_managers_cannot_record(client, manager, teammate):
    theirs = ClientFactory(owner=teammate)
    client.force_login(manager)
    assert client.get(CREATE).status_code == 403
    assert client.post(f"{CREATE}?client={theirs.pk}", sheet()).status_code == 403


def test_the_list_shows_pending_and_acknowledged_in_scope(client, supervisor, manager, teammate, other_manager):
    pending = SpotCheckFactory(client__owner=manager, client__name="Pending Co")
    done = SpotCheckFactory(client__owner=teammate, client__name="Signed Co", acknowledged_at=timezone.now(),
                            acknowledged_by=teammate)  # fmt: skip
    SpotCheckFactory(client__owner=other_manager, client__name="Other Team Co")
    client.force_login(supervisor)
    body = client.get(LIST).content.decode()
    assert "Pending Co" in body and "Signed Co" in body and "Other Team Co" not in body
    assert "1 waiting, 1 acknowledged" in body
    only_pending = client.get(LIST, {"status": "pending"}).content.decode()
    assert f"spot-check-{pending.pk}" in only_pending and f"spot-check-{done.pk}" not in only_pending
    # A manager sees their own only.
    client.force_login(manager)
    body = client.get(LIST).content.decode()
    assert "Pending Co" in body and "Signed Co" not in body


def test_the_list_reads_a_fixed_number_of_queries(client, supervisor, manager, django_assert_max_num_queries):
    client.force_login(supervisor)
    SpotCheckFactory(client__owner=manager)
    client.get(LIST)  # warm the session and the caches
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for _ in range(3):
        SpotCheckFactory(client__owner=ManagerFactory(team=manager.team))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_the_check_stays_with_the_manager_after_a_hand_over(client, manager, teammate):
    check = SpotCheckFactory(client__owner=manager)
    check.client.owner = teammate
    check.client.save()
    client.force_login(manager)
    assert client.get(check.get_absolute_url()).status_code == 200
    client.force_login(teammate)
    assert client.get(check.get_absolute_url()).status_code == 404
