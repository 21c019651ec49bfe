"""The API lists the planned visits that are still the manager's (``of_manager``): a visit
left with them after its client went to someone else is no longer theirs to work on, as on
the web's week and as check-in requires."""

import pytest
from django.utils import timezone

from api.tests.test_api import api_for
from clients.models import Client
from clients.tests.factories import ClientFactory
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


def test_a_visit_whose_client_went_to_another_manager_leaves_the_list(manager, teammate):
    kept = ClientFactory(owner=manager)
    handed_over = ClientFactory(owner=manager)
    today = timezone.localdate()
    visits = [PlannedVisitFactory(owner=manager, client=c, date=today, method="on_site") for c in (kept, handed_over)]
    api = api_for(manager)
    assert {v["id"] for v in api.get("/api/v1/visits/?range=week").json()["results"]} == {v.pk for v in visits}

    Client.objects.filter(pk=handed_over.pk).update(owner=teammate)

    for wanted in ("today", "week"):
        listed = [v["id"] for v in api.get(f"/api/v1/visits/?range={wanted}").json()["results"]]
        assert listed == [visits[0].pk]
    assert api_for(teammate).get("/api/v1/visits/").json()["results"] == []
