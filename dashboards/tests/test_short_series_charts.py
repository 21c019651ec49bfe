"""A chart over time with fewer than three points is nearly empty as a line (issue #29: the
weekly complaints chart with one point): it is drawn as bars, and with no point at all there is
no chart, only the table next to it. The choice is made in Python, for every time series of the
dashboards (complaints per week, visits per day, satisfaction per month)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clients.tests.factories import ClientFactory
from complaints.models import Category, Complaint
from dashboards.charts import time_series

TODAY = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize(("points", "kind"), [(1, "bar"), (2, "bar"), (3, "line"), (8, "line")])
def test_a_series_is_a_line_from_three_points(points, kind):
    labels = [f"11-{day:02d}" for day in range(1, points + 1)]
    spec = time_series(labels, [{"label": "Complaints", "data": list(range(points))}])
    assert spec["type"] == kind
    assert spec["labels"] == labels and spec["datasets"][0]["data"] == list(range(points))


def test_no_point_no_chart():
    assert time_series([], [{"label": "Complaints", "data": []}]) is None


def received(manager, number, when):
    return Complaint.objects.create(
        number=f"TS-2026-{number:06d}", client=ClientFactory(owner=manager), channel="phone",
        category=Category.objects.filter(parent__isnull=False).first(), severity="normal", description="x",
        owner=manager, team=manager.team, created_by=manager, received_at=when,
        first_response_due=when + timedelta(hours=8), resolution_due=when + timedelta(hours=72),
    )  # fmt: skip


@pytest.mark.django_db
def test_the_complaints_dashboard_draws_one_week_as_a_bar(client, supervisor, manager):
    received(manager, 1, TODAY - timedelta(hours=2))
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:complaints"))
    assert response.status_code == 200
    assert response.context["per_week"]["type"] == "bar"
    assert 'data-chart="chart-weeks"' in response.content.decode()


@pytest.mark.django_db
def test_the_dashboards_show_no_empty_time_chart(client, supervisor):
    client.force_login(supervisor)
    pages = {"complaints": "chart-weeks", "visits": "chart-per-day", "satisfaction": "chart-trend"}
    for name, chart in pages.items():
        html = client.get(reverse(f"dashboards:{name}")).content.decode()
        assert f'data-chart="{chart}"' not in html, name
