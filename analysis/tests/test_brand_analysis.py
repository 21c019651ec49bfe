"""Step 5, the monthly brand analysis, from a small table of figures worked out by hand.

Planned month December 2026; analysed month November; the month before, October.

Product X, target clients c1–c5:

    client  Oct orders  Nov orders  Nov quantity  Nov demand (confirmed)
    c1      1           2           60            60
    c2      1           1           35            40
    c3      –           3           8             100 (not confirmed: not counted)
    c4      –           1           2             –
    c5      1           –           –             –

    stocking   = ordered in Nov among target clients {c1..c4} ÷ 5       = 80.00 (target 90: abnormal)
    active     = ordered Oct and Nov {c1, c2} ÷ ordered Oct {c1, c2, c5} = 66.67 (target 75: abnormal)
    repurchase = two orders or more {c1, c3} ÷ ordered {c1..c4}          = 50.00 (target 60: abnormal)
    fulfilment = supplied 60 + 35 ÷ confirmed demand 60 + 40             = 95.00 (target 100: exactly 5 % below))

Product Y: no target clients (stocking target 50: no figure, not abnormal), c1 ordered once
(repurchase 0.00 against a zero target: not abnormal), c1 supplied 95.01 of a demand of 100
(fulfilment 95.01 against 100: 4.99 % below, normal), no active-rate target (no row).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analysis import brand
from analysis.models import BrandTarget, IndicatorResult, ProblemClient, Rate
from clients.tests.factories import ClientFactory

from .factories_targets import (
    BrandTargetFactory,
    BusinessFigureFactory,
    DemandFactory,
    FocusProductFactory,
    ProductFactory,
    TargetClientFactory,
)

PLANNED, NOV, OCT = date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1)


@pytest.fixture
def table(manager, teammate):
    x, y = ProductFactory(code="X", name="Xiang"), ProductFactory(code="Y", name="Yun")
    c = {n: ClientFactory(owner=manager, name=f"c{n}") for n in range(1, 6)}
    stranger = ClientFactory(owner=teammate)  # a teammate's client counts for nobody here
    for n in range(1, 6):
        TargetClientFactory(client=c[n], product=x, month=NOV)
    for n, orders, quantity in [(1, 2, 60), (2, 1, 35), (3, 3, 8), (4, 1, 2)]:
        BusinessFigureFactory(client=c[n], product=x, month=NOV, orders=orders, quantity=quantity)
    for n in (1, 2, 5):
        BusinessFigureFactory(client=c[n], product=x, month=OCT, orders=1)
    BusinessFigureFactory(client=stranger, product=x, month=NOV, orders=1)
    BusinessFigureFactory(client=stranger, product=x, month=OCT, orders=1)
    confirmed = {"confirmed_at": timezone.now(), "confirmed_by": manager}
    DemandFactory(client=c[1], product=x, month=NOV, quantity=60, **confirmed)
    DemandFactory(client=c[2], product=x, month=NOV, quantity=40, **confirmed)
    DemandFactory(client=c[3], product=x, month=NOV, quantity=100)  # not confirmed
    BusinessFigureFactory(client=c[1], product=y, month=NOV, orders=1, quantity=Decimal("95.01"))
    DemandFactory(client=c[1], product=y, month=NOV, quantity=100, **confirmed)
    BrandTargetFactory(
        owner=manager, product=x, month=NOV, stocking_rate=90, active_rate=75, repurchase_rate=60, fulfilment_rate=100
    )
    BrandTargetFactory(owner=manager, product=y, month=NOV, stocking_rate=50, repurchase_rate=0, fulfilment_rate=100)
    return {"x": x, "y": y, **{f"c{n}": client for n, client in c.items()}}


def results_of(manager):
    return {
        (r.product.code, r.code): (r.actual, r.target, r.abnormal)
        for r in IndicatorResult.objects.filter(owner=manager, kind="brand", month=NOV).select_related("product")
    }


def test_the_four_rates_and_their_flags_from_the_table(manager, table):
    brand.analyse_brands(owner=manager, month=PLANNED)
    assert results_of(manager) == {
        ("X", Rate.STOCKING): (Decimal("80.00"), Decimal("90.00"), True),
        ("X", Rate.ACTIVE): (Decimal("66.67"), Decimal("75.00"), True),
        ("X", Rate.REPURCHASE): (Decimal("50.00"), Decimal("60.00"), True),
        ("X", Rate.FULFILMENT): (Decimal("95.00"), Decimal("100.00"), True),  # exactly 5 % below
        ("Y", Rate.STOCKING): (None, Decimal("50.00"), False),  # no target clients: no figure
        ("Y", Rate.REPURCHASE): (Decimal("0.00"), Decimal("0.00"), False),  # a zero target
        ("Y", Rate.FULFILMENT): (Decimal("95.01"), Decimal("100.00"), False),  # 4.99 % below
    }


def test_the_target_clients_behind_an_abnormal_product_become_problem_clients(manager, table):
    brand.analyse_brands(owner=manager, month=PLANNED)
    problems = {(p.client.name, p.source): p.reason for p in ProblemClient.objects.filter(month=PLANNED)}
    assert problems == {
        ("c5", "brand:X:stocking_rate"): "Did not stock Xiang (stocking rate 80 % against 90 %)",
        ("c5", "brand:X:active_rate"): "Stopped ordering Xiang (active rate 66.67 % against 75 %)",
        ("c2", "brand:X:repurchase_rate"): "Ordered Xiang only once (repurchase rate 50 % against 60 %)",
        ("c4", "brand:X:repurchase_rate"): "Ordered Xiang only once (repurchase rate 50 % against 60 %)",
        ("c2", "brand:X:fulfilment_rate"): "Got less Xiang than asked for (fulfilment rate 95 % against 100 %)",
    }
    assert all(p.indicator and p.indicator.abnormal for p in ProblemClient.objects.all())


def test_analysing_again_replaces_the_results_and_problem_clients(manager, table):
    brand.analyse_brands(owner=manager, month=PLANNED)
    BrandTarget.objects.filter(product=table["x"]).update(stocking_rate=80, active_rate=None)
    brand.analyse_brands(owner=manager, month=PLANNED)
    assert IndicatorResult.objects.filter(owner=manager, kind="brand").count() == 6
    assert not ProblemClient.objects.filter(source__in=["brand:X:stocking_rate", "brand:X:active_rate"]).exists()
    assert ProblemClient.objects.filter(month=PLANNED).count() == 3


def test_a_manager_without_targets_gets_no_results(teammate, table):
    assert brand.analyse_brands(owner=teammate, month=PLANNED) == []
    assert not ProblemClient.objects.exists()


def test_the_analysis_costs_the_same_few_queries_for_a_bigger_book(manager, table, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        brand.analyse_brands(owner=manager, month=PLANNED)
    for _ in range(30):
        client = ClientFactory(owner=manager)
        TargetClientFactory(client=client, product=table["x"], month=NOV)
        BusinessFigureFactory(client=client, product=table["x"], month=NOV, orders=1)
    with django_assert_max_num_queries(len(small)):
        brand.analyse_brands(owner=manager, month=PLANNED)
    assert len(small) <= 20


def test_conclusions_mark_the_step_done(manager, table):
    analysis = brand.conclude_brand_analysis(owner=manager, month=PLANNED, problems="X slow", focus="Push X")
    assert analysis.brand_analysed_at and analysis.brand_focus == "Push X" and analysis.team == manager.team


def test_brand_targets_for_a_range_of_months_stay_within_the_focus_products(manager):
    x, other = ProductFactory(), ProductFactory()
    for month in (date(2026, 12, 1), date(2027, 1, 1)):
        FocusProductFactory(team=manager.team, product=x, month=month)
    rates = {Rate.STOCKING: Decimal("80"), Rate.ACTIVE: Decimal("70"), Rate.REPURCHASE: None, Rate.FULFILMENT: None}
    written = brand.set_brand_targets(
        owner=manager,
        first_month=date(2026, 12, 1),
        last_month=date(2027, 2, 1),
        targets={x.pk: rates, other.pk: rates},
    )
    assert written == 2  # February has no focus products, `other` is never one
    assert set(BrandTarget.objects.values_list("month", "product_id")) == {
        (date(2026, 12, 1), x.pk),
        (date(2027, 1, 1), x.pk),
    }
    target = BrandTarget.objects.get(month=date(2026, 12, 1))
    brand.set_brand_targets(
        owner=manager, first_month=date(2026, 12, 1), last_month=date(2026, 12, 1),
        targets={x.pk: {**rates, Rate.STOCKING: Decimal("85")}},
    )  # fmt: skip
    assert [h.stocking_rate for h in target.history.order_by("history_id")] == [Decimal("80.00"), Decimal("85.00")]


def test_target_clients_are_only_the_managers_own(manager, other_manager):
    x = ProductFactory()
    FocusProductFactory(team=manager.team, product=x, month=PLANNED)
    mine, theirs = ClientFactory(owner=manager), ClientFactory(owner=other_manager)
    with pytest.raises(Exception, match="your own clients"):
        brand.choose_target_clients(owner=manager, product=x, month=PLANNED, clients=[mine, theirs])
    assert brand.choose_target_clients(owner=manager, product=x, month=PLANNED, clients=[mine]) == 1
    assert brand.choose_target_clients(owner=manager, product=x, month=PLANNED, clients=[]) == 0


def test_only_the_teams_supervisor_or_an_admin_names_focus_products(manager, supervisor, other_supervisor, admin_user):
    from django.core.exceptions import PermissionDenied

    x = ProductFactory()
    for user in (manager, other_supervisor):
        with pytest.raises(PermissionDenied):
            brand.set_focus_products(team=manager.team, month=PLANNED, products=[x], by=user)
    brand.set_focus_products(team=manager.team, month=PLANNED, products=[x], by=supervisor)
    brand.set_focus_products(team=manager.team, month=PLANNED, products=[], by=admin_user)
    assert not manager.team.pk or not brand.selectors.focus_products(manager.team, PLANNED)
