"""A visit log saved refreshes its rollups once (``rollups.services.batched``, opened by
``visits.services.log_visit``), however many of its writes ask; the rows still equal a full
recomputation. A refresh is three statements on either database (on PostgreSQL: the lock,
the recomputation, and the old rows' delete with the new rows' insert in one)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from rollups.models import PlanCoverage, VisitDay
from rollups.services import batched, drift, refresh_coverage, refresh_days
from visits import services
from visits.models import MonthlyPlan, PlannedVisit
from visits.tests.factories import MonthlyPlanFactory, PlanLineFactory, PlannedVisitFactory, VisitLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(manager):
    plan = MonthlyPlanFactory(owner=manager, status=MonthlyPlan.Status.APPROVED)
    client = ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")
    PlanLineFactory(plan=plan, client=client)
    return client


def _writes(queries, table: str) -> int:
    return sum(1 for query in queries if table in query["sql"] and "DELETE" in query["sql"])


def test_a_planned_visit_logged_with_an_item_not_done_refreshes_its_day_once(manager, acme, visit_types):
    routine = visit_types["routine"]
    visit = PlannedVisitFactory(owner=manager, client=acme, visit_type=routine)
    answers = {item.pk: (item.required, "") for item in routine.checklist_items.all()}
    assert not all(done for done, _note in answers.values())  # one optional item left undone
    with CaptureQueriesContext(connection) as queries:
        services.log_visit(
            owner=manager, client=acme, submission="s-1", day=timezone.localdate(), method="phone",
            work_done="Visited", planned_visit=visit, checklist=answers,
        )  # fmt: skip
    # The log, its planned visit marked done and its answers: one refresh of the day, one of
    # the plan's coverage (the day was refreshed twice before).
    captured = queries.captured_queries
    assert (_writes(captured, "rollups_visitday"), _writes(captured, "rollups_plancoverage")) == (1, 1)
    assert drift(timezone.localdate()) == []
    row = VisitDay.objects.get(owner=manager)
    undone = sum(1 for done, _note in answers.values() if not done)
    assert (row.done, row.logged, row.first_visits, row.checklist_missed) == (1, 1, 1, undone)
    assert PlanCoverage.objects.filter(owner=manager, reached=1).get().lines == 1


def test_a_client_logged_many_times_a_day_is_counted_once(manager, teammate, acme):
    today = timezone.localdate()
    for number in range(3):
        services.log_visit(
            owner=manager, client=acme, submission=f"s-{number}", day=today, method="phone", work_done="Visited"
        )
    yesterday = today - timedelta(days=1)
    if yesterday.month == today.month:  # an earlier log of the month is the client's first
        VisitLogFactory(owner=teammate, client=acme, date=yesterday)
        refresh_days({(manager.pk, today)})
    assert drift(today) == []
    first = sum(VisitDay.objects.filter(day__month=today.month).values_list("first_visits", flat=True))
    assert first == 1


def test_inside_batched_the_refreshes_run_once_at_its_end(manager, acme):
    today = timezone.localdate()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with batched():
            with batched():  # the outer one refreshes
                PlannedVisitFactory(owner=manager, client=acme, date=today)
                assert refresh_days({(manager.pk, today)}) == 0 and refresh_coverage({(manager.pk, today)}) == 0
            assert not VisitDay.objects.exists()  # not yet
            VisitLogFactory(owner=manager, client=acme, date=today)
        assert VisitDay.objects.get(owner=manager).counts()[:2] == (1, 0)  # planned, done
    assert _writes(queries.captured_queries, "rollups_visitday") == 1
    assert drift(today) == []


def test_left_by_an_error_batched_refreshes_nothing(manager, acme):
    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        PlannedVisitFactory(owner=manager, client=acme)
        raise RuntimeError
    assert not PlannedVisit.objects.exists() and not VisitDay.objects.exists()
    # and the next write refreshes as usual
    PlannedVisitFactory(owner=manager, client=acme)
    assert VisitDay.objects.get(owner=manager).planned_open == 1


def test_a_refresh_takes_three_statements_for_any_number_of_days(manager, django_assert_num_queries):
    today = timezone.localdate()
    others = [ManagerFactory() for _ in range(2)]
    for owner in (manager, *others):
        PlannedVisitFactory(owner=owner, client=ClientFactory(owner=owner), date=today)
    VisitDay.objects.all().delete()
    pairs = {(owner.pk, today - timedelta(days=n)) for owner in (manager, *others) for n in range(3)}
    with django_assert_num_queries(3):  # lock (PostgreSQL) or delete (SQLite), recompute, insert
        assert refresh_days(pairs) == 3
    assert drift(today) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite deletes and inserts every row")
def test_on_postgresql_a_refresh_writes_only_the_rows_that_changed(manager, teammate, acme):
    today = timezone.localdate()
    PlannedVisitFactory(owner=manager, client=acme, date=today)
    PlannedVisitFactory(owner=teammate, client=ClientFactory(owner=teammate), date=today)
    kept = dict(VisitDay.objects.values_list("owner_id", "pk"))
    VisitLogFactory(owner=manager, client=acme, date=today)  # the manager's row changes, not the teammate's
    refresh_days({(manager.pk, today), (teammate.pk, today)})
    now = dict(VisitDay.objects.values_list("owner_id", "pk"))
    assert now[teammate.pk] == kept[teammate.pk] and now[manager.pk] != kept[manager.pk]
    assert VisitDay.objects.get(owner=manager).logged == 1 and drift(today) == []
    PlannedVisit.objects.filter(owner=teammate).update(status="cancelled")  # no signal: a row to remove
    refresh_days({(teammate.pk, today)})
    assert not VisitDay.objects.filter(owner=teammate).exists() and drift(today) == []
