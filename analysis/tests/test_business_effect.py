"""Step 2 (a), "compute business effect", worked by hand from a small table of figures.

Month planned: NEXT; analysed: the month before it (M); M−1 for growth on the month
before, and M a year earlier for growth on last year.

| client | product    | M−12 qty | M−1 qty | M qty | M amount |
| acme   | KEY (key)  | 80       | 125     | 60    | 6000     |
| acme   | PLAIN      |          |         | 40    | 2000     |
| bolt   | PLAIN      |          |         | 10    | 500      |
| calm   | (nothing)  |          |         |       |          |

acme: quantity 100, amount 8000, average price 80.00, growth on the month before
(100 − 125) ÷ 125 = −20.00 %, on last year (100 − 80) ÷ 80 = 25.00 %, 2 products, key-brand
share 60 ÷ 100 = 60.00 %. bolt: 10, 500, 50.00, no figures before: growth None both ways,
1 product, key-brand share 0.00 %. calm: zeros, average price and share None.
"""

from decimal import Decimal

import pytest

from analysis.effect import analysed_month, compute_business_effect
from analysis.models import BusinessEffect, BusinessFigure, MonthAnalysis, Product
from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules

NEXT = rules.next_month(clock.TODAY)
M = analysed_month(NEXT)
BEFORE = rules.previous_month(M)
LAST_YEAR = M.replace(year=M.year - 1)


def figure(client, product, month, quantity, amount=0, orders=1):
    return BusinessFigure.objects.create(
        client=client, product=product, month=month, quantity=Decimal(quantity), amount=Decimal(amount), orders=orders
    )


@pytest.fixture
def table(manager, other_manager):
    key = Product.objects.create(code="KEY", name="Key", brand="K", is_key_brand=True)
    plain = Product.objects.create(code="PLAIN", name="Plain", brand="P")
    acme = ClientFactory(owner=manager, name="acme")
    bolt = ClientFactory(owner=manager, name="bolt")
    calm = ClientFactory(owner=manager, name="calm")
    figure(acme, key, LAST_YEAR, 80, 8000)
    figure(acme, key, BEFORE, 125, 12500)
    figure(acme, key, M, 60, 6000)
    figure(acme, plain, M, 40, 2000)
    figure(bolt, plain, M, 10, 500)
    elsewhere = ClientFactory(owner=other_manager)
    figure(elsewhere, key, M, 999, 999)
    return {"acme": acme, "bolt": bolt, "calm": calm, "elsewhere": elsewhere, "key": key}


def effect_of(client):
    return BusinessEffect.objects.get(client=client, month=M)


def test_effect_figures_worked_by_hand(manager, table):
    assert compute_business_effect(owner=manager, month=NEXT) == 3
    acme = effect_of(table["acme"])
    assert (acme.quantity, acme.amount, acme.average_price) == (Decimal("100"), Decimal("8000"), Decimal("80.00"))
    assert (acme.growth_month, acme.growth_year) == (Decimal("-20.00"), Decimal("25.00"))
    assert (acme.product_count, acme.key_brand_share) == (2, Decimal("60.00"))
    bolt = effect_of(table["bolt"])
    assert (bolt.quantity, bolt.amount, bolt.average_price) == (Decimal("10"), Decimal("500"), Decimal("50.00"))
    assert bolt.growth_month is None and bolt.growth_year is None  # no figures before: no growth
    assert (bolt.product_count, bolt.key_brand_share) == (1, Decimal("0.00"))
    calm = effect_of(table["calm"])
    assert (calm.quantity, calm.amount, calm.average_price, calm.key_brand_share) == (0, 0, None, None)
    assert calm.product_count == 0
    # Another manager's book is not touched.
    assert not BusinessEffect.objects.filter(client=table["elsewhere"]).exists()
    assert MonthAnalysis.objects.get(owner=manager, month=NEXT).effect_computed_at is not None


def test_computing_again_updates_in_place(manager, table):
    compute_business_effect(owner=manager, month=NEXT)
    BusinessFigure.objects.filter(client=table["bolt"], month=M).update(quantity=20, amount=800)
    compute_business_effect(owner=manager, month=NEXT)
    assert BusinessEffect.objects.filter(month=M).count() == 3
    bolt = effect_of(table["bolt"])
    assert (bolt.quantity, bolt.average_price) == (Decimal("20"), Decimal("40.00"))


def test_a_fall_to_nothing_is_minus_100_percent(manager, table):
    BusinessFigure.objects.filter(month=M, client=table["acme"]).delete()
    compute_business_effect(owner=manager, month=NEXT)
    acme = effect_of(table["acme"])
    assert acme.growth_month == Decimal("-100.00") and acme.average_price is None


def test_query_count_does_not_grow_with_the_book(manager, table, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        compute_business_effect(owner=manager, month=NEXT)
    for _ in range(40):
        client = ClientFactory(owner=manager)
        figure(client, table["key"], M, 5, 50)
        figure(client, table["key"], BEFORE, 4, 40)
    with django_assert_max_num_queries(12):
        compute_business_effect(owner=manager, month=NEXT)
    assert BusinessEffect.objects.filter(month=M).count() == 43
