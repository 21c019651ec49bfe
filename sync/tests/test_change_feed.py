"""The change feed (issue #30 item 4): what the phone must drop since its last sync, removed
rows and rows that left the caller's scope, only to those who could see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from clients import services as client_services
from clients.tests.factories import ClientFactory, ContactFactory
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


def feed(user, since):
    _token, raw = ApiToken.issue(user, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/changes/", {"since": since.isoformat()} if since else {})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_client_handed_to_another_team_leaves_with_what_it_takes_along(
    manager, supervisor, other_manager, other_supervisor, admin_user
):
    acme = ClientFactory(owner=manager)
    person = ContactFactory(client=acme)
    visit = PlannedVisitFactory(client=acme, date=timezone.localdate() + timedelta(days=1))
    kept = ClientFactory(owner=manager)
    since = timezone.now()
    client_services.reassign_owner(client=acme, new_owner=other_manager, by=admin_user, reason="New area")
    for former in (manager, supervisor):
        resources = feed(former, since)["resources"]
        assert resources["clients"] == {"removed": [], "out_of_scope": [acme.pk]}
        assert resources["contacts"]["out_of_scope"] == [person.pk]
        assert resources["visits"]["out_of_scope"] == [visit.pk]
        assert kept.pk not in resources["clients"]["out_of_scope"]
    # Those who could not see it before, or see it still, are told nothing.
    for other in (other_manager, other_supervisor, admin_user):
        resources = feed(other, since)["resources"]
        assert all(lists == {"removed": [], "out_of_scope": []} for lists in resources.values())
    # Before the hand-over, nothing had left.
    assert feed(manager, timezone.now() + timedelta(minutes=1))["resources"]["clients"]["out_of_scope"] == []


def test_a_client_handed_back_is_not_dropped(manager, teammate, supervisor):
    acme = ClientFactory(owner=manager)
    since = timezone.now()
    client_services.reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Holiday")
    assert feed(manager, since)["resources"]["clients"]["out_of_scope"] == [acme.pk]
    client_services.reassign_owner(client=acme, new_owner=manager, by=supervisor, reason="Back")
    assert feed(manager, since)["resources"]["clients"]["out_of_scope"] == []


def test_a_removed_visit_is_listed_to_whoever_could_see_it(client, manager, teammate, supervisor):
    visit = PlannedVisitFactory(client=ClientFactory(owner=manager), date=timezone.localdate() + timedelta(days=2))
    since = timezone.now()
    client.force_login(manager)
    client.post(reverse("visits:visit_remove", args=[visit.pk]))
    assert feed(manager, since)["resources"]["visits"]["removed"] == [visit.pk]
    assert feed(supervisor, since)["resources"]["visits"]["removed"] == [visit.pk]
    assert feed(teammate, since)["resources"]["visits"]["removed"] == []


def test_until_is_passed_as_since_next_time_and_without_since_nothing_is_listed(manager, supervisor):
    first = feed(manager, None)
    assert all(lists == {"removed": [], "out_of_scope": []} for lists in first["resources"].values())
    assert set(first["resources"]) == {"clients", "contacts", "visits", "visit-logs", "interactions", "complaints"}
    acme = ClientFactory(owner=manager)
    client_services.reassign_owner(client=acme, new_owner=supervisor, by=supervisor, reason="Mine now")
    since = timezone.datetime.fromisoformat(first["until"].replace("Z", "+00:00"))
    assert feed(manager, since)["resources"]["clients"]["out_of_scope"] == [acme.pk]


def test_a_bad_since_is_refused_on_its_field(manager):
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/changes/", {"since": "yesterday"})
    assert response.status_code == 400 and "since" in response.json()["error"]["fields"]


def test_the_feed_takes_a_constant_number_of_queries(manager, supervisor, teammate, django_assert_max_num_queries):
    since = timezone.now()
    for _ in range(5):
        acme = ClientFactory(owner=manager)
        ContactFactory(client=acme)
        PlannedVisitFactory(client=acme, date=timezone.localdate() + timedelta(days=1))
        client_services.reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Area")
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/changes/", {"since": since.isoformat()})
    assert len(response.json()["resources"]["contacts"]["out_of_scope"]) == 5


def test_a_phone_that_last_synced_before_the_kept_days_is_told_to_load_everything_again(manager, supervisor, settings):
    acme = ClientFactory(owner=manager)
    long_ago = timezone.now() - timedelta(days=settings.CRM_SYNC_KEEP_DAYS + 1)
    client_services.reassign_owner(client=acme, new_owner=supervisor, by=supervisor, reason="Mine now")
    answer = feed(manager, long_ago)
    assert answer["resync"] is True
    assert all(lists == {"removed": [], "out_of_scope": []} for lists in answer["resources"].values())
    recent = feed(manager, timezone.now() - timedelta(days=1))
    assert recent["resync"] is False and recent["resources"]["clients"]["out_of_scope"] == [acme.pk]


def test_until_stays_behind_the_clock_by_more_than_any_write_transaction(manager, settings):
    before = timezone.now()
    until = timezone.datetime.fromisoformat(feed(manager, None)["until"].replace("Z", "+00:00"))
    assert before - until >= timedelta(minutes=settings.CRM_SYNC_SETTLE_MINUTES) - timedelta(seconds=5)
    assert settings.CRM_SYNC_SETTLE_MINUTES >= 10


def test_tombstones_older_than_the_kept_days_are_pruned(manager, settings):
    from sync.jobs import prune_tombstones
    from sync.models import Tombstone

    old = Tombstone.objects.create(resource="clients", object_id=1, kind=Tombstone.Kind.REMOVED, owner=manager)
    Tombstone.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=settings.CRM_SYNC_KEEP_DAYS + 1))
    fresh = Tombstone.objects.create(resource="clients", object_id=2, kind=Tombstone.Kind.REMOVED, owner=manager)
    assert prune_tombstones(timezone.now()) == {"deleted": 1}
    assert list(Tombstone.objects.values_list("pk", flat=True)) == [fresh.pk]
