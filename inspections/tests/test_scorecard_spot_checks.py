"""Spot checks count on the manager's scorecard only when an admin gives them a weight."""

import pytest
from django.urls import reverse
from django.utils import timezone

from performance.models import ScorecardWeights
from performance.scorecard import scorecards
from performance.tests.factories import response
from visits.rules import month_start, previous_month

from .factories import SpotCheckFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return previous_month(timezone.localdate())


def build(manager, month):
    # Satisfaction 12 of 20 (60%); spot checks 80 and 90 (85%); one of the month before.
    response(SpotCheckFactory(client__owner=manager).client, _at(month, 3), satisfied=12, ratings=20)
    SpotCheckFactory(client__owner=manager, date=month.replace(day=5), score=80)
    SpotCheckFactory(client__owner=manager, date=month.replace(day=20), score=90)
    SpotCheckFactory(client__owner=manager, date=previous_month(month), score=10)


def _at(month, day):
    from performance.tests.factories import at

    return at(month.replace(day=day))


def no_new_clients_figure():
    # The month has no new client (0 of 2): left out, so the numbers below stay small.
    weights = ScorecardWeights.get()
    weights.new_clients = 0
    weights.save()
    return weights


def test_without_a_weight_spot_checks_are_neither_counted_nor_shown(manager, month):
    build(manager, month)
    assert no_new_clients_figure().spot_checks == 0
    [card] = scorecards([manager], month)
    assert "spot_checks" not in card.figures
    assert card.score == 60.0  # satisfaction only


def test_with_a_weight_they_count_as_the_average_score(manager, month):
    build(manager, month)
    weights = no_new_clients_figure()
    weights.spot_checks = 15
    weights.save()
    [card] = scorecards([manager], month)
    figure = card.figures["spot_checks"]
    assert (figure.numerator, figure.denominator, figure.percent) == (170, 200, 85.0)
    # (15 × 0.6 + 15 × 0.85) ÷ 30 = 72.5
    assert card.score == 72.5


def test_the_scorecard_page_shows_the_column_only_with_a_weight(client, supervisor, manager, month):
    build(manager, month)
    client.force_login(supervisor)
    url = f"{reverse('performance:scorecard')}?month={month:%Y-%m}"
    records = reverse("performance:scorecard_records", args=[manager.pk, "spot_checks"])
    assert records.encode() not in client.get(url).content
    weights = ScorecardWeights.get()
    weights.spot_checks = 10
    weights.save()
    assert records.encode() in client.get(url).content
    listed = client.get(f"{records}?month={month:%Y-%m}")
    assert listed.status_code == 200 and listed.content.count(b"/inspections/") >= 2


def test_records_of_another_team_manager_are_not_listed(client, other_supervisor, manager, month):
    build(manager, month)
    client.force_login(other_supervisor)
    records = reverse("performance:scorecard_records", args=[manager.pk, "spot_checks"])
    assert client.get(f"{records}?month={month_start(month):%Y-%m}").status_code == 404
