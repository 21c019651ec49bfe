"""A month's rebuild writes its rows with ``INSERT … SELECT`` from the very queries the
refreshes read (``visit_day_sql``, ``plan_coverage_sql``, ``complaint_day_query``), on SQLite
and PostgreSQL alike: the rows kept by the refreshes, the rows a rebuild writes and the
rules' own answers agree, on the edge cases of a first visit (two managers the same day,
two logs a day, a client visited last month too, a client not active) and of coverage (two
logs a day, a client in two managers' plans)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from complaints.tests.factories import ComplaintFactory
from rollups.models import ComplaintDay, PlanCoverage, VisitDay
from rollups.services import drift, rebuild_month
from visits.models import MonthlyPlan
from visits.rules import month_start, previous_month
from visits.tests.factories import MonthlyPlanFactory, PlanLineFactory, VisitLogFactory

ROLLUPS = (VisitDay, PlanCoverage, ComplaintDay)


def kept() -> list:
    return [sorted((row.key(), row.counts()) for row in model.objects.all()) for model in ROLLUPS]


def test_a_rebuild_writes_the_rows_the_refreshes_keep(manager, teammate):
    month = month_start(timezone.localdate())
    last = previous_month(month)
    first_day, second_day = month, month + timedelta(days=1)
    low, high = sorted((manager, teammate), key=lambda user: user.pk)
    shared = ClientFactory(owner=low, status=Client.Status.ACTIVE)  # both managers the same day
    twice = ClientFactory(owner=low, status=Client.Status.ACTIVE)  # two logs the same day
    again = ClientFactory(owner=low, status=Client.Status.ACTIVE)  # last month too
    asleep = ClientFactory(owner=low, status=Client.Status.DORMANT)  # not counted as visited
    for owner in (low, high):
        plan = MonthlyPlanFactory(owner=owner, month=month, status=MonthlyPlan.Status.APPROVED)
        PlanLineFactory(plan=plan, client=shared, frequency="weekly")
    PlanLineFactory(plan=MonthlyPlan.objects.get(owner=low, month=month), client=twice, frequency="twice_monthly")
    for owner, client, day in [
        (high, shared, first_day), (low, shared, first_day), (high, shared, second_day), (low, twice, first_day),
        (low, twice, first_day), (low, again, last + timedelta(days=3)), (low, again, second_day),
        (low, asleep, first_day),
    ]:  # fmt: skip
        VisitLogFactory(owner=owner, client=client, date=day)
    ComplaintFactory(client=shared)

    first_visits = {(row.owner_id, row.day): row.first_visits for row in VisitDay.objects.filter(first_visits__gt=0)}
    assert first_visits == {(low.pk, first_day): 2, (low.pk, second_day): 1, (low.pk, last + timedelta(days=3)): 1}
    reached = sorted(PlanCoverage.objects.filter(owner=low, reached__gt=0).values_list("frequency", "reached", "day"))
    assert reached == [("twice_monthly", 1, first_day), ("twice_monthly", 2, first_day), ("weekly", 1, first_day)]
    assert PlanCoverage.objects.get(owner=high, reached=2).day == second_day
    assert drift(month) == [] and drift(last) == []

    refreshed = kept()
    assert all(refreshed)
    assert rebuild_month(last) + rebuild_month(month) == sum(len(rows) for rows in refreshed)
    assert kept() == refreshed
    for model in ROLLUPS:
        model.objects.all().delete()
    rebuild_month(last)
    rebuild_month(month)
    assert kept() == refreshed
