"""Checklist items not done (visit types): per manager on the visit dashboard and the
supervisor's quarterly report, within the viewer's scope, in a constant number of queries."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clients.tests.factories import ClientFactory
from rollups.services import refresh_days
from visits.models import ChecklistAnswer
from visits.tests.factories import VisitLogFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def logged(owner, day, *, done: int, not_done: int, client=None, visit_type=None):
    log = VisitLogFactory(owner=owner, client=client or ClientFactory(owner=owner), date=day, method="on_site",
                          work_done="Visited", submission=uuid.uuid4().hex, visit_type=visit_type)  # fmt: skip
    ChecklistAnswer.objects.bulk_create(
        [ChecklistAnswer(log=log, text=f"item {i}", done=True) for i in range(done)]
        + [ChecklistAnswer(log=log, text=f"missed {i}", done=False) for i in range(not_done)]
    )
    refresh_days({(owner.pk, day)})  # a bulk write refreshes the rollups itself, as ``log_visit`` does
    return log


@pytest.fixture
def answers(manager, teammate, other_manager, visit_types):
    routine = visit_types["routine"]
    logged(manager, date(2026, 11, 3), done=2, not_done=1, visit_type=routine)
    logged(manager, date(2026, 11, 10), done=1, not_done=2, visit_type=routine)
    logged(manager, date(2026, 10, 10), done=3, not_done=1, visit_type=routine)  # last month, this quarter
    logged(teammate, date(2026, 11, 4), done=3, not_done=0, visit_type=routine)
    logged(other_manager, date(2026, 11, 4), done=0, not_done=5, visit_type=routine)  # another team
    logged(manager, date(2026, 9, 30), done=0, not_done=4, visit_type=routine)  # last quarter


def test_the_visit_dashboard_counts_the_months_items_not_done(client, supervisor, manager, teammate, answers):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:visits"), {"month": "2026-11"})
    rows = {row.owner_id: row.checklist_missed for row in response.context["board"].rows}
    assert (rows[manager.pk], rows[teammate.pk]) == (3, 0)
    assert response.context["board"].total.checklist_missed == 3
    assert 'data-testid="checklist-missed"' in response.content.decode()


def test_the_quarterly_report_counts_the_quarters_items_not_done(client, supervisor, manager, teammate, answers):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:quarterly"), {"quarter": "2026-Q4"})
    totals = {t.owner.pk: t.checklist_missed for t in response.context["totals"]}
    assert totals == {manager.pk: 4, teammate.pk: 0}
    previous = client.get(reverse("dashboards:quarterly"), {"quarter": "2026-Q3"})
    assert [t.checklist_missed for t in previous.context["totals"]] == [4]


def test_the_csv_of_the_dashboard_has_the_count(client, supervisor, manager, answers):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:visits"), {"month": "2026-11", "export": "csv"})
    text = response.content.decode("utf-8-sig")
    header, *lines = text.strip().splitlines()
    assert header.endswith("Checklist items not done")
    assert any(line.endswith(",3") for line in lines)


def test_more_answers_cost_no_more_queries(client, supervisor, manager, teammate, visit_types,
                                           django_assert_max_num_queries):  # fmt: skip
    logged(manager, date(2026, 11, 3), done=1, not_done=1)
    client.force_login(supervisor)
    # The dashboard's CSV is always computed (the page itself may come from the cache).
    for name, params in (("dashboards:visits", {"month": "2026-11", "export": "csv"}),
                         ("dashboards:quarterly", {"quarter": "2026-Q4"})):  # fmt: skip
        with django_assert_max_num_queries(18) as few:
            client.get(reverse(name), params)
        for _ in range(15):
            logged(manager, date(2026, 11, 5), done=2, not_done=3)
            logged(teammate, date(2026, 11, 6), done=0, not_done=2)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse(name), params)
