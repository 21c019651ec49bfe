"""The business tab: figures against the market targets by manager, worked out by hand from
a small table; scope; CSV; a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.models import MarketIndicator as M
from analysis.selectors_summary import business_board
from analysis.tests.factories_demo import FigureFactory, ProductFactory, targets
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

MONTH = date(2026, 11, 1)
QUERY = {"month": "2026-11"}


@pytest.fixture
def table(manager, teammate, other_manager):
    """November 2026, the manager's book:

    client  product      quantity  amount  orders
    a       K (key)          30     6,000     3
    b       K (key)          10     2,000     1
    a       N                60    11,000     2
    a       K, Oct 2026      50    (the month before)

    quantity 100, amount 19,000, average price 190.00, key-brand quantity 40, key-brand
    growth (40 − 50) ÷ 50 = −20 %, active clients 2, orders per client 6 ÷ 2 = 3.00.
    """
    key = ProductFactory(code="K", is_key_brand=True, unit_price=Decimal(200))
    plain = ProductFactory(code="N", unit_price=Decimal(100))
    a, b = ClientFactory(owner=manager, name="Alpha"), ClientFactory(owner=manager, name="Beta")
    FigureFactory(client=a, product=key, month=MONTH, quantity=30, amount=6000, orders=3)
    FigureFactory(client=b, product=key, month=MONTH, quantity=10, amount=2000, orders=1)
    FigureFactory(client=a, product=plain, month=MONTH, quantity=60, amount=11000, orders=2)
    FigureFactory(client=a, product=key, month=date(2026, 10, 1), quantity=50, amount=10000, orders=2)
    targets(
        manager,
        MONTH,
        quantity=105,  # 4.76 % below: normal
        amount=20000,  # exactly 5 % below: abnormal
        average_price=200,  # exactly 5 % below: abnormal
        key_brand_quantity=40,  # met
        key_brand_growth=5,  # −20 % against +5 %: abnormal
        active_clients=2,
        orders_per_client=0,  # a zero target is never abnormal
    )
    FigureFactory(client=ClientFactory(owner=teammate), product=plain, month=MONTH, quantity=10, amount=1000)
    targets(teammate, MONTH, quantity=10)
    FigureFactory(client=ClientFactory(owner=other_manager, name="Secret Other Co"), product=plain, month=MONTH,
                  quantity=500, amount=50000)  # fmt: skip
    targets(other_manager, MONTH, quantity=400)
    return manager


def test_figures_by_hand(table, teammate):
    from accounts.models import User

    board = business_board(User.objects.filter(pk__in=[table.pk, teammate.pk]), MONTH)
    row = next(r for r in board.rows if r.owner_id == table.pk)
    actual = {code: cell.actual for code, cell in row.cells.items()}
    assert actual == {
        M.QUANTITY: 100,
        M.AMOUNT: 19000,
        M.AVERAGE_PRICE: Decimal("190.00"),
        M.KEY_BRAND_QUANTITY: 40,
        M.KEY_BRAND_GROWTH: Decimal("-20.00"),
        M.ACTIVE_CLIENTS: 2,
        M.ORDERS_PER_CLIENT: Decimal("3.00"),
    }
    abnormal = {code for code, cell in row.cells.items() if cell.abnormal}
    assert abnormal == {M.AMOUNT, M.AVERAGE_PRICE, M.KEY_BRAND_GROWTH}
    assert row.abnormal_count == 3
    # The total adds the book's quantities and their targets; a ratio has no summed target.
    assert (board.total.cells[M.QUANTITY].actual, board.total.cells[M.QUANTITY].target) == (110, 115)
    assert board.total.cells[M.AVERAGE_PRICE].target is None
    assert board.total.cells[M.AVERAGE_PRICE].actual == Decimal("181.82")  # 20,000 ÷ 110


def test_supervisor_sees_the_team_only(client, table, teammate, supervisor, other_manager):
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:business"), QUERY)
    assert page.status_code == 200
    assert {row.owner_id for row in page.context["board"].rows} == {table.pk, teammate.pk}
    body = page.content.decode()
    assert "Secret Other Co" not in body and str(other_manager) not in body
    assert body.count('data-abnormal="1"') == 3


def test_manager_sees_only_themselves(client, table, teammate, other_supervisor):
    client.force_login(teammate)
    page = client.get(reverse("dashboards:business"), QUERY)
    rows = page.context["board"].rows
    assert [row.owner_id for row in rows] == [teammate.pk]
    assert rows[0].cells[M.QUANTITY].actual == 10
    assert client.get(reverse("dashboards:business"), {"team": other_supervisor.team.pk}).status_code == 404


def test_other_supervisor_sees_none_of_it(client, table, other_supervisor, other_manager):
    client.force_login(other_supervisor)
    rows = client.get(reverse("dashboards:business"), QUERY).context["board"].rows
    assert [(row.owner_id, row.cells[M.QUANTITY].actual) for row in rows] == [(other_manager.pk, 500)]


def test_csv_export(client, table, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:business"), {**QUERY, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2 + 1  # headers, two managers, the total
    mine = next(line for line in lines if line.startswith(str(table)))
    # quantity 105 / 100 normal, amount 20000 / 19000 abnormal, average price 200 / 190.00 abnormal …
    assert mine.split(",")[1:7] == ["105.00", "100.00", "", "20000.00", "19000.00", "yes"]
    assert client.get(reverse("dashboards:business"), {"export": "csv", "table": "nope"}).status_code == 404


def test_constant_queries(client, table, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    # session, user, teams, managers, targets, figures, the inbox count (7)
    with django_assert_max_num_queries(8):
        small = client.get(reverse("dashboards:business"), QUERY)
    product = ProductFactory(code="MORE")
    for _ in range(20):
        FigureFactory(client=ClientFactory(owner=table), product=product, month=MONTH)
    with django_assert_max_num_queries(8):
        large = client.get(reverse("dashboards:business"), QUERY)
    assert small.status_code == large.status_code == 200

    def quantity(page):
        return next(r for r in page.context["board"].rows if r.owner_id == table.pk).cells[M.QUANTITY].actual

    assert quantity(large) == quantity(small) + 200
