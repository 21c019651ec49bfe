"""A manager who changed teams keeps clients of the old team, which stay that team's: the
new supervisor's view of the manager's analysis (demand, scores, problem clients, the API)
never shows them (found in review: the ?owner= pages read the manager's rows unscoped)."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.models import Demand, IndicatorResult, MonthAnalysis, ProblemClient
from api.tests.factories import ApiTokenFactory
from clients.tests.factories import ClientFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db
PLANNED = date(2026, 12, 1)


@pytest.fixture
def moved(manager, other_supervisor):
    """The manager's old-team client "Old Secret" (team A), then the manager moves to team B."""
    old = ClientFactory(owner=manager, name="Old Secret")
    product = ProductFactory()
    Demand.objects.create(client=old, product=product, month=PLANNED, quantity=5, entered_by=manager)
    result = IndicatorResult.objects.create(
        kind="brand", team=manager.team, owner=manager, month=date(2026, 11, 1), product=product,
        code="stocking_rate", target=80, actual=10, abnormal=True,
    )  # fmt: skip
    ProblemClient.objects.create(client=old, month=PLANNED, source="brand:x", reason="Old reason", indicator=result)
    manager.team = other_supervisor.team
    manager.save()
    analysis = MonthAnalysis.objects.create(owner=manager, team=manager.team, month=PLANNED)
    return manager, analysis


@pytest.mark.parametrize("name", ["analysis:demand", "analysis:scores", "analysis:brand", "analysis:target_clients"])
def test_the_new_supervisor_does_not_see_the_old_teams_client(client, moved, other_supervisor, supervisor, name):
    manager, _analysis = moved
    query = {"month": "2026-12", "owner": manager.pk}
    client.force_login(other_supervisor)
    page = client.get(reverse(name), query)
    assert page.status_code == 200
    assert "Old Secret" not in page.content.decode() and "Old reason" not in page.content.decode()


def test_the_api_does_not_name_the_old_teams_client(moved, other_supervisor):
    _manager, analysis = moved
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiTokenFactory(user=other_supervisor).raw}")
    body = api.get(f"/api/v1/analyses/{analysis.pk}/").json()
    assert body["problem_clients"] == []
