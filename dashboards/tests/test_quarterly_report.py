"""The quarterly visit report (SPEC "Who visits, follows up"): the quarter's opinions and
suggestions with how each was handled, totals per account manager, CSV, scoping, a
constant number of queries."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clients.tests.factories import ClientFactory
from dashboards.figures import Quarter, parse_quarter
from visits.tests.factories import VisitLogFactory

TODAY = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "dashboards:quarterly"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def log(owner, client, day, opinions="", effect="", follow_up=None):
    return VisitLogFactory(
        owner=owner, client=client, date=day, method="on_site", work_done="Visited", submission=uuid.uuid4().hex,
        opinions=opinions, effect=effect, next_follow_up=follow_up,
    )  # fmt: skip


@pytest.fixture
def visits(manager, teammate, other_manager):
    a, b = ClientFactory(owner=manager, name="Alpha"), ClientFactory(owner=manager, name="Beta")
    c, d = ClientFactory(owner=teammate, name="Gamma"), ClientFactory(owner=other_manager, name="Delta")
    log(manager, a, date(2026, 10, 5), "Wants faster delivery", "Promised weekly delivery", date(2026, 10, 20))
    log(manager, a, date(2026, 11, 3))
    log(manager, b, date(2026, 11, 10), "Price too high")
    log(teammate, c, date(2026, 11, 2), "More samples", "Samples sent")
    log(manager, a, date(2026, 9, 30), "Last quarter's opinion")
    log(other_manager, d, date(2026, 10, 10), "Other team's opinion")


def test_parse_quarter_falls_back_to_the_current_one():
    today = date(2026, 11, 20)
    assert parse_quarter("2026-Q3", today) == Quarter(2026, 3)
    for bad in (None, "", "2026-Q5", "2026-Q0", "abc", "1900-Q1", "2026-q1; drop"):
        assert parse_quarter(bad, today) == Quarter(2026, 4)
    assert (Quarter(2026, 4).start, Quarter(2026, 4).end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (Quarter(2026, 1).previous, Quarter(2026, 4).next) == (Quarter(2025, 4), Quarter(2027, 1))


def test_rows_and_totals_of_the_quarter(client, supervisor, manager, teammate, visits):
    client.force_login(supervisor)
    response = client.get(reverse(URL))  # the current quarter, 2026-Q4
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [r.opinions for r in rows] == ["Wants faster delivery", "More samples", "Price too high"]
    totals = {str(t.owner): (t.visits, t.clients, t.opinions) for t in response.context["totals"]}
    assert totals == {str(manager): (3, 2, 2), str(teammate): (1, 1, 1)}
    html = response.content.decode()
    assert "Promised weekly delivery" in html and "2026-10-20" in html and "data-print" in html
    assert "Other team" not in html and "Last quarter" not in html

    previous = client.get(reverse(URL), {"quarter": "2026-Q3"})
    assert [r.opinions for r in previous.context["page"]] == ["Last quarter's opinion"]
    assert [(t.visits, t.clients, t.opinions) for t in previous.context["totals"]] == [(1, 1, 1)]

    bad = client.get(reverse(URL), {"quarter": "2026-Q9"})
    assert bad.status_code == 200 and bad.context["quarter"] == Quarter(2026, 4)


def test_csv_export(client, supervisor, visits):
    client.force_login(supervisor)
    response = client.get(reverse(URL), {"quarter": "2026-Q4", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="quarterly-2026-Q4.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 4  # header and three opinions
    assert lines[1].startswith("2026-10-05,Alpha,") and lines[1].endswith(",Promised weekly delivery,2026-10-20")


def test_managers_get_403_and_other_teams_404(client, manager, supervisor, other_supervisor, admin_user, visits):
    client.force_login(manager)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse(URL), {"team": other_supervisor.team.pk}).status_code == 404
    assert client.get(reverse(URL), {"team": "x"}).status_code == 404
    assert 'data-testid="tab-quarterly"' in client.get(reverse("dashboards:visits")).content.decode()
    client.force_login(admin_user)
    response = client.get(reverse(URL), {"team": other_supervisor.team.pk})
    assert [r.opinions for r in response.context["page"]] == ["Other team's opinion"]
    client.force_login(manager)
    assert 'data-testid="tab-quarterly"' not in client.get(reverse("dashboards:visits")).content.decode()


def test_pages_of_50_and_constant_queries(client, supervisor, manager, django_assert_max_num_queries):
    client.force_login(supervisor)
    alpha = ClientFactory(owner=manager, name="Alpha")
    log(manager, alpha, date(2026, 10, 1), "one")
    with django_assert_max_num_queries(12):
        client.get(reverse(URL))
    for i in range(60):
        log(manager, ClientFactory(owner=manager), date(2026, 10, 2 + i % 20), f"opinion {i}")
    with django_assert_max_num_queries(12):
        first = client.get(reverse(URL))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse(URL), {"page": 2})
    assert len(second.context["page"].object_list) == 11


def test_excel_export(client, supervisor, visits):
    import tablib

    client.force_login(supervisor)
    response = client.get(reverse(URL), {"quarter": "2026-Q4", "export": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="quarterly-2026-Q4.xlsx"'
    book = tablib.Dataset().load(response.content, format="xlsx")
    csv_rows = client.get(reverse(URL), {"quarter": "2026-Q4", "export": "csv"}).content.decode("utf-8-sig")
    assert len(book) == len(csv_rows.strip().splitlines()) - 1 > 0
