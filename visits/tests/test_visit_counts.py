"""One way to count visits: the visit dashboard, the month's summary and the scorecard show
the same planned / done / temporary figures (``visits.selectors.visit_counts``), on a month
with a hand-over, cancellations, today's visits and temporary tasks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from clients import services as client_services
from clients.tests.factories import ClientFactory
from dashboards import figures
from performance import scorecard
from visits import selectors, services
from visits.models import PlannedVisit, TemporaryTask
from visits.tests.factories import PlannedVisitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)  # a Wednesday afternoon
TODAY = NOW.date()
MONTH = date(2026, 11, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(n: int) -> date:
    return date(2026, 11, n)


def approve(owner, supervisor) -> None:
    plan = services.start_plan(owner=owner, month=MONTH, by=owner)
    services.submit_plan(plan, by=owner)
    services.approve_plan(plan, by=supervisor)


def visit(owner, client, n: int) -> PlannedVisit:
    return PlannedVisitFactory(owner=owner, client=client, date=day(n), method="on_site")


def logged(owner, planned: PlannedVisit) -> None:
    services.log_visit(owner=owner, client=planned.client, submission=f"log-{planned.pk}", day=planned.date,
                       method="on_site", work_done="Visited", planned_visit=planned)  # fmt: skip


@pytest.fixture
def month(manager, teammate, supervisor):
    """The manager's November, counted by hand (as of the 18th, afternoon):

    planned so far 6 = a 3rd ★, b 5th missed, a 10th ★, d 9th ★, d 12th missed, a 18th ★ (today, done)
    done 4; left out: c 6th cancelled, b 18th (today, not done yet), d 13th (open, and d was
    handed to the teammate on the 16th: no longer the manager's to do), c 25th (not due).
    The whole month's plan: the 6 + b 18th + c 25th = 8 (4 done).
    Temporary 3: a task without a client (4th), a visit logged at c without a plan (11th),
    and one at d before the hand-over (6th): work done stays with whoever did it.
    The teammate: e 4th ★ (1 of 1); d 20th, moved to them by the hand-over, is not due yet.
    """
    a, b, c, d = (ClientFactory(owner=manager, name=name, visit_method="on_site") for name in "abcd")
    e = ClientFactory(owner=teammate, name="e", visit_method="on_site")
    approve(manager, supervisor)
    approve(teammate, supervisor)
    for planned in (visit(manager, a, 3), visit(manager, a, 10), visit(manager, d, 9), visit(manager, a, 18)):
        logged(manager, planned)
    services.mark_visit(visit(manager, b, 5), by=manager, done=False)
    services.mark_visit(visit(manager, d, 12), by=manager, done=False)
    cancelled = visit(manager, c, 6)
    cancelled.status = PlannedVisit.Status.CANCELLED
    cancelled.save()
    visit(manager, b, 18)
    visit(manager, c, 25)
    visit(manager, d, 13)
    moved = visit(manager, d, 20)
    services.add_temporary_task(owner=manager, day=day(4), description="Helped at the branch")
    services.log_visit(owner=manager, client=c, submission="unplanned-c", day=day(11), method="phone", work_done="x")
    services.log_visit(owner=manager, client=d, submission="unplanned-d", day=day(6), method="phone", work_done="x")
    logged(teammate, visit(teammate, e, 4))
    client_services.reassign_owner(client=d, new_owner=teammate, by=supervisor, reason="Moved to the east area")
    moved.refresh_from_db()
    assert moved.owner == teammate  # the hand-over takes the upcoming visit along
    return {manager.pk: (6, 4, 3), teammate.pk: (1, 1, 0)}


def test_the_dashboard_the_month_summary_and_the_scorecard_agree(manager, teammate, month):
    people = User.objects.filter(pk__in=[manager.pk, teammate.pk])
    board = {row.owner_id: row for row in figures.visit_dashboard(people, MONTH).rows}
    cards = {card.manager.pk: card.figures["plan_completion"] for card in scorecard.scorecards(people, MONTH)}
    for person in (manager, teammate):
        progress = selectors.month_progress(person, MONTH)
        row, card = board[person.pk], cards[person.pk]
        on_the_dashboard = (row.planned, row.done, row.temporary)
        in_the_summary = (progress.visits_planned_to_date, progress.visits_done_to_date, progress.temporary_tasks)
        on_the_scorecard = (card.denominator, card.numerator)
        assert on_the_dashboard == in_the_summary == month[person.pk]
        assert on_the_scorecard == on_the_dashboard[:2]
        assert row.completion == card.percent == figures.share(*on_the_scorecard[::-1])
    progress = selectors.month_progress(manager, MONTH)
    assert (progress.visits_planned, progress.visits_done) == (8, 4)


def test_the_pages_show_the_same_numbers(client, supervisor, manager, month):
    client.force_login(supervisor)
    board = client.get(reverse("dashboards:visits"), {"month": "2026-11"}).context["board"]
    row = next(r for r in board.rows if r.owner_id == manager.pk)
    summary = client.get(reverse("visits:weekly_summary"), {"day": "2026-11-18", "owner": manager.pk})
    progress = summary.context["progress"]
    rows = client.get(reverse("performance:scorecard"), {"month": "2026-11"}).context["rows"]
    card = next(card for card in rows if card.manager.pk == manager.pk).figures["plan_completion"]
    assert (row.planned, row.done) == (progress.visits_planned_to_date, progress.visits_done_to_date)
    assert (row.planned, row.done) == (card.denominator, card.numerator) == (6, 4)
    assert row.temporary == progress.temporary_tasks == 3


def test_one_query_for_many_managers(manager, teammate, month, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.visit_counts(owners=[manager.pk, teammate.pk], month=MONTH, until=TODAY)
    assert (counts[manager.pk].planned, counts[manager.pk].done, counts[manager.pk].temporary) == (6, 4, 3)
    everyone = selectors.visit_counts(owners=None, month=MONTH, until=TODAY)
    assert vars(everyone[manager.pk]) == vars(counts[manager.pk])
    assert TemporaryTask.objects.count() == 1
