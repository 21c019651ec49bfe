"""Step 2 (a): the business effect stored by ``compute_business_effect`` is the one the
first implementation stored (issue #31 rewrote its path for speed: one row per client from
the aggregate, the rules on plain numbers, one JSON upsert instead of ``bulk_create``).

``reference_compute`` below is that first implementation, kept only as the oracle: one
aggregate row per client and month, a ``BusinessEffect`` instance per client, saved by
``bulk_create``. Both run on the same mixed figures (key and plain brands, cents, a return
below zero, zero quantities with an amount, clients with figures only in the months before,
lost clients, another manager's clients, a month that is not read) and every stored field
is compared, on SQLite and on PostgreSQL.
"""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from analysis import rules
from analysis.effect import (
    EFFECT_FIELDS,
    ROW_FIELDS,
    analysed_month,
    book,
    compute_business_effect,
    same_month_last_year,
)
from analysis.models import BusinessEffect, BusinessFigure, Product
from clients.models import Client
from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules as visit_rules

NEXT = visit_rules.next_month(clock.TODAY)
M = analysed_month(NEXT)
BEFORE = visit_rules.previous_month(M)
LAST_YEAR = same_month_last_year(M)
NOT_READ = visit_rules.previous_month(BEFORE)
ZERO = Decimal(0)
COMPARED = ["client_id", "month", *ROW_FIELDS]  # computed_at: the time of each run


def reference_compute(*, owner, month) -> int:
    """The first implementation's computation and write (the oracle; not for use elsewhere)."""
    month = visit_rules.month_start(month)
    analysed = analysed_month(month)
    before, last_year = visit_rules.previous_month(analysed), same_month_last_year(analysed)
    client_ids = list(book(owner).order_by().values_list("pk", flat=True))
    totals = {}
    figures = (
        BusinessFigure.objects.filter(client__in=client_ids, month__in=[analysed, before, last_year])
        .values("client_id", "month")
        .annotate(
            q=Sum("quantity"),
            a=Sum("amount"),
            products=Count("product", distinct=True, filter=Q(quantity__gt=0)),
            key_q=Sum(
                Case(
                    When(product__is_key_brand=True, then=F("quantity")),
                    default=Value(ZERO),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
        )
        .order_by()
    )
    for row in figures:
        totals[(row["client_id"], row["month"])] = row
    effects = []
    for client_id in client_ids:
        this = totals.get((client_id, analysed), {})
        quantity, amount = this.get("q") or ZERO, this.get("a") or ZERO
        effects.append(
            BusinessEffect(
                client_id=client_id,
                month=analysed,
                quantity=quantity,
                amount=amount,
                average_price=rules.average_price(amount, quantity),
                growth_month=rules.growth(quantity, (totals.get((client_id, before)) or {}).get("q") or ZERO),
                growth_year=rules.growth(quantity, (totals.get((client_id, last_year)) or {}).get("q") or ZERO),
                product_count=this.get("products") or 0,
                key_brand_share=rules.percent(this.get("key_q") or ZERO, quantity),
            )
        )
    BusinessEffect.objects.bulk_create(
        effects, update_conflicts=True, unique_fields=["client", "month"], update_fields=EFFECT_FIELDS
    )
    return len(effects)


def stored() -> dict[int, tuple]:
    return {row[0]: row for row in BusinessEffect.objects.order_by("client_id").values_list(*COMPARED)}


def cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


@pytest.fixture
def mixed(manager, other_manager):
    """40 clients of the manager (5 lost), 5 of another manager, 5 products (2 key brands)."""
    rng = random.Random(31)  # noqa: S311 (test data, not secrets)
    products = [
        Product.objects.create(code=f"P{n}", name=f"Product {n}", brand="B", is_key_brand=n < 2) for n in range(5)
    ]
    clients = [
        ClientFactory(owner=manager, status=Client.Status.LOST if n % 8 == 7 else Client.Status.ACTIVE)
        for n in range(40)
    ] + [ClientFactory(owner=other_manager) for _ in range(5)]
    figures = []
    for n, client in enumerate(clients):
        months = [M, BEFORE, LAST_YEAR, NOT_READ]
        if n % 10 == 3:
            months = [BEFORE, LAST_YEAR]  # nothing in the month analysed
        elif n % 10 == 5:
            months = []  # no figures at all
        for month in months:
            for product in rng.sample(products, rng.randint(1, len(products))):
                quantity = cents(rng, 0, 300) if rng.random() > 0.15 else Decimal("0.00")
                if rng.random() < 0.05:
                    quantity = -cents(rng, 1, 20)  # a return
                figures.append(
                    BusinessFigure(
                        client=client, product=product, month=month, quantity=quantity,
                        amount=cents(rng, 0, 30000), orders=rng.randint(0, 4),
                    )
                )  # fmt: skip
    BusinessFigure.objects.bulk_create(figures)
    return clients


def test_same_rows_as_the_first_implementation(manager, mixed):
    assert reference_compute(owner=manager, month=NEXT) == 35
    expected = stored()
    assert len(expected) == 35
    BusinessEffect.objects.all().delete()
    # First computation: every row inserted.
    assert compute_business_effect(owner=manager, month=NEXT) == 35
    assert stored() == expected
    # Computed again over rows that changed meanwhile: every field rewritten.
    BusinessEffect.objects.update(
        quantity=1, amount=1, average_price=None, growth_month=1, growth_year=None, product_count=99,
        key_brand_share=1, computed_at=Now(),
    )  # fmt: skip
    assert compute_business_effect(owner=manager, month=NEXT) == 35
    assert stored() == expected


def test_every_row_gets_the_time_of_the_computation(manager, mixed):
    from analysis.models import MonthAnalysis

    compute_business_effect(owner=manager, month=NEXT)
    at = MonthAnalysis.objects.get(owner=manager, month=NEXT).effect_computed_at
    assert set(BusinessEffect.objects.values_list("computed_at", flat=True)) == {at}


def test_one_write_whatever_the_size_of_the_book(manager, mixed):
    """The queries are the same for 35 clients as for 135: SQLite's 999 parameters a
    statement cut the first implementation's write into batches of 99 rows."""
    compute_business_effect(owner=manager, month=NEXT)  # the month's analysis created
    with CaptureQueriesContext(connection) as small:
        compute_business_effect(owner=manager, month=NEXT)
    ClientFactory.create_batch(100, owner=manager)
    with CaptureQueriesContext(connection) as large:
        assert compute_business_effect(owner=manager, month=NEXT) == 135
    assert len(large) == len(small)
    assert BusinessEffect.objects.filter(month=M, quantity=0, average_price__isnull=True).count() >= 100
