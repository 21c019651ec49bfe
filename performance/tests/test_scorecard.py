"""The monthly scorecard on a small dataset, every figure and the weighted score worked
out by hand (default weights: plan 15, coverage 15, new clients 30, requests 5,
complaints 5, punctuality 5, return visits 10, satisfaction 15; target 2 new clients)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from clients.models import OwnerChange
from clients.tests.factories import ClientFactory
from performance.models import ScorecardWeights
from performance.scorecard import Figure, Scorecard, punctual, scorecards
from visits.rules import previous_month
from visits.tests.factories import MonthlyPlanFactory, PlanLineFactory
from workdays.selectors import working_days

from .factories import at, complaint, created_on, interaction, planned_visit, response, return_visit, visit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return previous_month(timezone.localdate())  # a whole month, all in the past


def build(manager, teammate, month):
    day = lambda n: month + timedelta(days=n)  # noqa: E731
    a, b, c = (ClientFactory(owner=manager, visit_frequency="monthly") for _ in range(3))
    # Plan: A, C, A done; B missed; B cancelled (left out) -> 3 / 4.
    a1 = planned_visit(a, day(1), status="done", appointment=time(10, 0))
    c1 = planned_visit(c, day(2), status="done", appointment=time(14, 0))
    planned_visit(a, day(3), status="done")
    planned_visit(b, day(4), status="missed")
    planned_visit(b, day(5), status="cancelled")
    # Punctuality: A checked in 5 minutes late (on time), C 30 minutes late -> 1 / 2.
    visit_log(a, day(1), planned_visit=a1, checked_in_at=at(day(1), 10, 5))
    visit_log(c, day(2), planned_visit=c1, checked_in_at=at(day(2), 14, 30))
    # Coverage: the approved plan has A and B, monthly; only A was visited -> 1 / 2.
    plan = MonthlyPlanFactory(owner=manager, team=manager.team, month=month, status="approved")
    PlanLineFactory(plan=plan, client=a, frequency="monthly")
    PlanLineFactory(plan=plan, client=b, frequency="monthly")
    # New clients: one brought in this month, target 2 -> 0.5. A client handed over from
    # a colleague and an imported one (no creation record) are not development.
    new = ClientFactory(owner=manager)
    OwnerChange.objects.create(client=new, from_owner=None, to_owner=manager, reason="Created", changed_at=at(day(6)))
    handed = ClientFactory(owner=manager)
    OwnerChange.objects.create(client=handed, from_owner=teammate, to_owner=manager, reason="x", changed_at=at(day(6)))
    created_on(ClientFactory(owner=manager), at(day(6)))
    # Requests due in the month: answered in time, answered late, not answered -> 1 / 3.
    due = at(day(7), 12)
    interaction(a, due - timedelta(hours=24), is_request=True, reply_due=due, replied_at=due - timedelta(hours=1))
    interaction(b, due - timedelta(hours=24), is_request=True, reply_due=due, replied_at=due + timedelta(hours=1))
    interaction(c, due - timedelta(hours=24), is_request=True, reply_due=due)
    # Complaints resolved in the month: in 10 h (due 72 h), in 100 h -> 1 / 2, median 55 h.
    quick = complaint(a, at(day(8)), resolved_at=at(day(8)) + timedelta(hours=10))
    complaint(b, at(day(8)), resolved_at=at(day(8)) + timedelta(hours=100))
    # Return visits due in the month: one done, one not -> 1 / 2.
    return_visit(quick, day(10), done_at=at(day(10)))
    return_visit(quick, day(11))
    # Satisfaction: 9 of 10 and 3 of 10 ratings of 4-5 -> 12 / 20.
    response(a, at(day(12)), satisfied=9, ratings=10)
    response(b, at(day(13)), satisfied=3, ratings=10)
    # Outside the month: counts nowhere.
    response(a, at(month - timedelta(days=1)), satisfied=0, ratings=10)
    # The teammate: one survey answer only.
    response(ClientFactory(owner=teammate), at(day(14)), satisfied=10, ratings=10)


def test_figures_and_weighted_score_by_hand(manager, teammate, month):
    build(manager, teammate, month)
    mine, theirs = scorecards([manager, teammate], month)
    f = mine.figures
    assert (f["plan_completion"].numerator, f["plan_completion"].denominator) == (3, 4)
    assert (f["coverage"].numerator, f["coverage"].denominator) == (1, 2)
    assert (f["punctuality"].numerator, f["punctuality"].denominator) == (1, 2)
    assert (f["new_clients"].numerator, f["new_clients"].denominator, f["new_clients"].rate) == (1, 2, 0.5)
    assert (f["requests_on_time"].numerator, f["requests_on_time"].denominator) == (1, 3)
    assert (f["complaints_on_time"].numerator, f["complaints_on_time"].denominator) == (1, 2)
    assert f["complaints_on_time"].median_hours == 55.0
    assert (f["return_visits"].numerator, f["return_visits"].denominator) == (1, 2)
    assert (f["satisfaction"].numerator, f["satisfaction"].denominator) == (12, 20)
    assert [f[code].percent for code in f] == [75.0, 50.0, 50.0, 33.3, 50.0, 50.0, 50.0, 60.0]
    # (15×0.75 + 15×0.5 + 30×0.5 + 5×⅓ + 5×0.5 + 5×0.5 + 10×0.5 + 15×0.6) ÷ 100 = 54.42
    assert mine.score == 54.4
    # The teammate: satisfaction 100% and no new client (0 of 2); the other figures have no
    # data and are left out: (30×0 + 15×1) ÷ 45 = 33.3.
    t = theirs.figures
    assert t["satisfaction"].rate == 1.0 and t["new_clients"].rate == 0.0
    assert all(t[code].rate is None for code in t if code not in {"satisfaction", "new_clients"})
    assert theirs.score == 33.3


def test_weights_are_configurable(manager, teammate, month):
    build(manager, teammate, month)
    weights = ScorecardWeights.get()
    weights.new_clients = 0
    weights.new_clients_target = 1
    weights.save()
    _mine, theirs = scorecards([manager, teammate], month)
    assert theirs.figures["new_clients"].weight == 0
    assert theirs.score == 100.0  # only satisfaction is left
    assert ScorecardWeights.history.count() == 2  # the change is kept


def test_score_is_none_without_any_data():
    card = Scorecard(manager=None, period=None, figures={"plan_completion": Figure("plan_completion", 15)})
    assert card.score is None


def test_punctuality_window_is_ten_minutes_either_side(month):
    appointment = time(9, 30)
    assert punctual(month, appointment, at(month, 9, 20))
    assert punctual(month, appointment, at(month, 9, 40))
    assert not punctual(month, appointment, at(month, 9, 41))
    assert not punctual(month, appointment, at(month, 9, 19))


def test_a_month_not_started_has_no_figures(manager):
    future = timezone.localdate().replace(day=1) + timedelta(days=70)
    (card,) = scorecards([manager], future)
    assert card.score is None


def test_fixed_number_of_queries_for_any_number_of_managers(
    manager, teammate, month, django_assert_num_queries, django_assert_max_num_queries
):
    from accounts.tests.factories import ManagerFactory

    build(manager, teammate, month)
    ScorecardWeights.get()
    working_days(month, month)  # the working-day calendar: one query per year, then cached
    with django_assert_max_num_queries(10) as few:
        scorecards([manager], month)
    many = [manager, teammate, *ManagerFactory.create_batch(5, team=manager.team)]
    with django_assert_num_queries(len(few.captured_queries)):
        scorecards(many, month)


def test_a_request_needing_a_visit_is_on_time_only_when_the_visit_was_planned_in_time(manager, month):
    acme = ClientFactory(owner=manager)
    asked = at(month + timedelta(days=3), 9)
    reply_due, visit_due = asked + timedelta(hours=24), asked + timedelta(hours=48)
    answered = asked + timedelta(hours=2)
    interaction(acme, asked, is_request=True, visit_needed=True, reply_due=reply_due, replied_at=answered,
                visit_due=visit_due, visit_planned_at=asked + timedelta(hours=47))  # fmt: skip
    interaction(acme, asked, is_request=True, visit_needed=True, reply_due=reply_due, replied_at=answered,
                visit_due=visit_due, visit_planned_at=asked + timedelta(hours=49))  # fmt: skip
    interaction(acme, asked, is_request=True, visit_needed=True, reply_due=reply_due, replied_at=answered,
                visit_due=visit_due)  # fmt: skip
    [card] = scorecards([manager], month)
    figure = card.figures["requests_on_time"]
    assert (figure.numerator, figure.denominator) == (1, 3)


def test_todays_visits_count_once_done(manager):
    today = timezone.localdate()
    acme = ClientFactory(owner=manager)
    planned_visit(acme, today, status="planned")
    planned_visit(ClientFactory(owner=manager), today, status="done")
    [card] = scorecards([manager], today.replace(day=1))
    figure = card.figures["plan_completion"]
    assert (figure.numerator, figure.denominator) == (1, 1)
