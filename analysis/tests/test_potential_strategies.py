"""Step 2 (c), "generate strategies": weak effect or low scores give potential-demand
strategies through visits/proposals.py, once, and only after the manager generates them.

Team averages of key-brand share: weak 60 %, steady 100 %, no_key 0 % → 53.33 %.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from analysis.effect import analysed_month, compute_business_effect, generate_potential_strategies, score_client
from analysis.models import AbilityDimension, BusinessFigure, MonthAnalysis, Product
from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules
from visits import services as visit_services
from visits.models import ServiceStrategy

NEXT = rules.next_month(clock.TODAY)
M = analysed_month(NEXT)
BEFORE = rules.previous_month(M)


def figures(client, product, before, now):
    BusinessFigure.objects.create(client=client, product=product, month=BEFORE, quantity=before, amount=before * 10)
    BusinessFigure.objects.create(client=client, product=product, month=M, quantity=now, amount=now * 10)


@pytest.fixture
def book(manager):
    key = Product.objects.create(code="KEY", name="Key", brand="K", is_key_brand=True)
    plain = Product.objects.create(code="PLAIN", name="Plain", brand="P")
    weak, steady, no_key = (ClientFactory(owner=manager, name=name) for name in ("weak", "steady", "no_key"))
    figures(weak, key, 75, 60)  # 125 → 100: −20 %
    figures(weak, plain, 50, 40)
    figures(steady, key, 50, 50)  # 0 %, 100 % key brand
    figures(no_key, plain, 10, 10)  # 0 %, 0 % key brand: below the team's 53.33 %
    dimensions = list(AbilityDimension.objects.filter(is_active=True)[:2])
    score_client(by=manager, client=steady, month=NEXT, scores={dimensions[0].pk: 2, dimensions[1].pk: 3})
    compute_business_effect(owner=manager, month=NEXT)
    return {"weak": weak, "steady": steady, "no_key": no_key, "low": dimensions[0]}


def sources(client):
    return set(
        ServiceStrategy.objects.filter(client=client, month=NEXT, source__startswith="potential:").values_list(
            "source", flat=True
        )
    )


def test_weak_effect_and_low_scores_give_potential_demand_strategies(manager, book):
    count = generate_potential_strategies(owner=manager, month=NEXT)
    assert sources(book["weak"]) == {"potential:growth"}
    assert sources(book["no_key"]) == {"potential:key-brand"}
    assert sources(book["steady"]) == {f"potential:score-{book['low'].pk}"}
    assert count == 3
    text = ServiceStrategy.objects.get(client=book["weak"], source="potential:growth").text
    assert "-20.00 %" in text
    assert MonthAnalysis.objects.get(owner=manager, month=NEXT).strategies_generated_at is not None


def test_generating_twice_adds_nothing(manager, book):
    generate_potential_strategies(owner=manager, month=NEXT)
    total = ServiceStrategy.objects.count()
    assert generate_potential_strategies(owner=manager, month=NEXT) == 3
    assert ServiceStrategy.objects.count() == total


def test_nothing_before_the_manager_generates_and_then_in_the_plan(manager, book):
    plan = visit_services.start_plan(owner=manager, month=NEXT, by=manager)
    assert not ServiceStrategy.objects.filter(source__startswith="potential:").exists()
    generate_potential_strategies(owner=manager, month=NEXT)
    visit_services.refresh_plan(plan)
    assert plan.lines.get(client=book["weak"]).open_strategies >= 1
    assert ServiceStrategy.objects.filter(source__startswith="potential:").count() == 3


def test_generation_needs_the_business_effect(manager, db):
    with pytest.raises(ValidationError):
        generate_potential_strategies(owner=manager, month=NEXT)


def test_thresholds_are_settings(manager, book, settings):
    settings.CRM_ANALYSIS_WEAK_GROWTH = -25  # −20 % is no longer weak
    settings.CRM_ANALYSIS_LOW_SCORE = 1  # 2 is no longer low
    generate_potential_strategies(owner=manager, month=NEXT)
    assert sources(book["weak"]) == set() and sources(book["steady"]) == set()
    assert sources(book["no_key"]) == {"potential:key-brand"}


def test_scores_outside_1_to_5_are_refused(manager, book):
    dimension = book["low"]
    for wrong in (0, 6):
        with pytest.raises(ValidationError) as error:
            score_client(by=manager, client=book["weak"], month=NEXT, scores={dimension.pk: wrong})
        assert f"dimension_{dimension.pk}" in error.value.error_dict


def test_scores_keep_their_history(manager, book):
    dimension = book["low"]
    steady = book["steady"]
    score_client(by=manager, client=steady, month=NEXT, scores={dimension.pk: 4})
    row = dimension.scores.get(client=steady, month=NEXT)
    assert row.score == 4
    assert list(row.history.order_by("history_date").values_list("score", flat=True)) == [2, 4]


def test_area_statistics_after_generation(manager, book):
    """Quantity 100 + 50 + 10 = 160, amount 1600 (average price 10.00), key-brand share
    (60 + 50) ÷ 160 = 68.75 %, average growth (−20 + 0 + 0) ÷ 3 = −6.67 %."""
    from accounts.scoping import scope_for
    from analysis.selectors_state import area_statistics

    rows, waiting = area_statistics(scope_for(manager), month=NEXT, owners=[manager])
    assert rows == [] and waiting == [manager]
    generate_potential_strategies(owner=manager, month=NEXT)
    [row], waiting = area_statistics(scope_for(manager), month=NEXT, owners=[manager])
    assert waiting == []
    assert (row.clients, row.quantity, row.amount, row.average_price) == (3, 160, 1600, Decimal("10.00"))
    assert (row.key_brand_share, row.average_growth) == (Decimal("68.75"), Decimal("-6.67"))
    assert (row.direct_strategies, row.potential_strategies) == (0, 3)
