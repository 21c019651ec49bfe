"""Step 6, the market analysis, from a small table worked out by hand.

Planned December 2026, analysed November, compared with October. K is a key brand, N not.

    client  October                     November
    m1      K 10 (100, 2 orders)        K 12 (120, 3 orders), N 77 (40, 1 order)
    m2      K 20 (200, 1 order)         K 6 (60, 1 order)
    m3      N 5 (25, 1 order)           –

    quantity 12 + 77 + 6 = 95            target 100: exactly 5 % below, abnormal
    amount 120 + 40 + 60 = 220           target 231.57: 4.99.. % below, normal
    average price 220 ÷ 95 = 2.32        no target
    key-brand quantity 18                target 18: normal
    key-brand growth (18 − 30) ÷ 30 = −40.00 %   target 5: abnormal
    active clients {m1, m2} = 2          target 3: abnormal
    orders per client 5 ÷ 2 = 2.50       target 0: a zero target, normal
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import market
from analysis.models import IndicatorResult, MarketIndicator, MarketTarget, ProblemClient
from clients.tests.factories import ClientFactory

from .factories_targets import BusinessFigureFactory, MarketTargetFactory, ProductFactory

PLANNED, NOV, OCT = date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1)
MI = MarketIndicator


@pytest.fixture
def book(manager, teammate):
    k, n = ProductFactory(is_key_brand=True, code="K"), ProductFactory(code="N")
    m1, m2, m3 = (ClientFactory(owner=manager, name=name) for name in ("m1", "m2", "m3"))
    rows = [
        (m1, k, OCT, 10, 100, 2), (m2, k, OCT, 20, 200, 1), (m3, n, OCT, 5, 25, 1),
        (m1, k, NOV, 12, 120, 3), (m1, n, NOV, 77, 40, 1), (m2, k, NOV, 6, 60, 1),
    ]  # fmt: skip
    for client, product, month, quantity, amount, orders in rows:
        BusinessFigureFactory(
            client=client, product=product, month=month, quantity=quantity, amount=amount, orders=orders
        )
    BusinessFigureFactory(client=ClientFactory(owner=teammate), product=k, month=NOV, quantity=10, amount=100)
    targets = {MI.QUANTITY: 100, MI.AMOUNT: "231.57", MI.KEY_BRAND_QUANTITY: 18, MI.KEY_BRAND_GROWTH: 5,
               MI.ACTIVE_CLIENTS: 3, MI.ORDERS_PER_CLIENT: 0}  # fmt: skip
    for code, value in targets.items():
        MarketTargetFactory(owner=manager, month=NOV, indicator=code, value=Decimal(value))
    return {"m1": m1, "m2": m2, "m3": m3, "k": k}


def test_the_indicators_and_their_flags_from_the_table(manager, book):
    market.analyse_market(owner=manager, month=PLANNED)
    results = {
        r.code: (r.actual, r.target, r.abnormal)
        for r in IndicatorResult.objects.filter(owner=manager, kind="market", month=NOV)
    }
    assert results == {
        MI.QUANTITY: (Decimal("95.00"), Decimal("100.00"), True),
        MI.AMOUNT: (Decimal("220.00"), Decimal("231.57"), False),
        MI.AVERAGE_PRICE: (Decimal("2.32"), None, False),
        MI.KEY_BRAND_QUANTITY: (Decimal("18.00"), Decimal("18.00"), False),
        MI.KEY_BRAND_GROWTH: (Decimal("-40.00"), Decimal("5.00"), True),
        MI.ACTIVE_CLIENTS: (Decimal("2.00"), Decimal("3.00"), True),
        MI.ORDERS_PER_CLIENT: (Decimal("2.50"), Decimal("0.00"), False),
    }


def test_the_clients_behind_an_abnormal_indicator_become_problem_clients(manager, book):
    market.analyse_market(owner=manager, month=PLANNED)
    problems = {(p.client.name, p.source): p.reason for p in ProblemClient.objects.filter(month=PLANNED)}
    assert problems == {
        # quantity: the largest falls, m2 (20 → 6) before m3 (5 → 0); m1 grew
        ("m2", "market:quantity"): "Quantity fell from 20 to 6 (Quantity abnormal)",
        ("m3", "market:quantity"): "Quantity fell from 5 to 0 (Quantity abnormal)",
        # key-brand growth: the falls in key-brand quantity
        ("m2", "market:key_brand_growth"): "Key-brand quantity fell from 20 to 6 (Key-brand growth (%) abnormal)",
        # active clients: ordered in October, not in November
        ("m3", "market:active_clients"): "Ordered in 2026-10 but not in 2026-11 (Active clients abnormal)",
    }


def test_the_team_row_has_no_owner_and_counts_every_book(manager, supervisor, book):
    MarketTargetFactory(team=manager.team, owner=None, month=NOV, indicator=MI.QUANTITY, value=100)
    results = {r.code: r for r in market.analyse_team_market(team=manager.team, month=PLANNED, by=supervisor)}
    assert results[MI.QUANTITY].owner is None and results[MI.QUANTITY].actual == Decimal("105")
    assert results[MI.QUANTITY].abnormal is False  # 105 against 100
    assert results[MI.ACTIVE_CLIENTS].actual == 3


def test_next_months_targets_with_history(manager, book):
    market.set_market_targets(
        team=manager.team, owner=manager, month=PLANNED, values={MI.QUANTITY: Decimal("110")}, by=manager
    )
    market.set_market_targets(
        team=manager.team, owner=manager, month=PLANNED, values={MI.QUANTITY: Decimal("120")}, by=manager
    )
    target = MarketTarget.objects.get(owner=manager, month=PLANNED)
    assert target.value == 120 and target.history.count() == 2
    market.set_market_targets(team=manager.team, owner=manager, month=PLANNED, values={}, by=manager)
    assert not MarketTarget.objects.filter(owner=manager, month=PLANNED).exists()


def test_the_analysis_costs_the_same_queries_for_a_bigger_book(manager, book, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        market.analyse_market(owner=manager, month=PLANNED)
    for _ in range(20):
        client = ClientFactory(owner=manager)
        BusinessFigureFactory(client=client, product=book["k"], month=OCT, quantity=3, orders=1)
    with django_assert_max_num_queries(len(small)):
        market.analyse_market(owner=manager, month=PLANNED)
    assert ProblemClient.objects.filter(source="market:active_clients").count() == market.TOP_FALLS
