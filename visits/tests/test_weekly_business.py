"""Steps 13 and 14: the weekly summary shows quantity, average price per unit and key-brand
growth against the month's targets with the expected pace; the month results show the
month's market and brand analysis. Figures worked out by hand."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from analysis import selectors_summary
from analysis.models import IndicatorResult, MarketIndicator, Rate
from analysis.tests.factories_demo import FigureFactory, IndicatorResultFactory, ProductFactory, targets
from clients.tests.factories import ClientFactory
from visits import month_review

pytestmark = pytest.mark.django_db

# Wednesday 2026-12-09 (whatever CRM_TEST_NOW says). December 2026 has 23 working days
# (1–4, 7–11, 14–18, 21–25, 28–31); up to the 9th, 7 have elapsed.
TODAY = date(2026, 12, 9)
MONTH = date(2026, 12, 1)
BEFORE = date(2026, 11, 1)  # key-brand growth is measured against the month before


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 12, 9, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def book(manager, teammate):
    key = ProductFactory(code="K1", is_key_brand=True, unit_price=Decimal(250))
    plain = ProductFactory(code="N1", unit_price=Decimal(100))
    a, b = ClientFactory(owner=manager), ClientFactory(owner=manager)
    FigureFactory(client=a, product=key, month=MONTH, quantity=400, amount=Decimal(100000), orders=2)
    FigureFactory(client=b, product=plain, month=MONTH, quantity=200, amount=Decimal(20000), orders=1)
    FigureFactory(client=a, product=key, month=BEFORE, quantity=1000, amount=Decimal(250000), orders=4)
    # A teammate's figures never count in the manager's book.
    FigureFactory(client=ClientFactory(owner=teammate), product=key, month=MONTH, quantity=999)
    targets(manager, MONTH, quantity=2300, average_price=210, key_brand_growth=5, amount=999999)
    return manager


def test_pace_by_hand(book):
    # Up to the week's Sunday, 9 working days; the page counts up to today (7).
    assert selectors_summary.month_pace([book.pk], MONTH, date(2026, 12, 13)).elapsed_days == 9
    pace = selectors_summary.month_pace([book.pk], MONTH, TODAY)
    assert (pace.elapsed_days, pace.month_days) == (7, 23)
    rows = {row.indicator: row for row in pace.rows}
    assert list(rows) == [MarketIndicator.QUANTITY, MarketIndicator.AVERAGE_PRICE, MarketIndicator.KEY_BRAND_GROWTH]
    quantity = rows[MarketIndicator.QUANTITY]
    # 2300 × 7 ÷ 23 = 700; 600 sold is 14 % behind.
    assert (quantity.target, quantity.pace, quantity.to_date) == (2300, Decimal("700.00"), 600)
    assert quantity.behind
    price = rows[MarketIndicator.AVERAGE_PRICE]
    # 120,000 ÷ 600 = 200.00 against 210: 4.76 % below, not behind; a ratio's pace is its target.
    assert (price.pace, price.to_date, price.behind) == (210, Decimal("200.00"), False)
    growth = rows[MarketIndicator.KEY_BRAND_GROWTH]
    # 400 against November's 1000 × 7 ÷ 23 = 304.35: +31.43 %.
    assert growth.to_date == Decimal("31.43") and not growth.behind


def test_weekly_summary_page_shows_the_pace(client, book, django_assert_max_num_queries):
    client.force_login(book)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("visits:weekly_summary"), {"day": "2026-12-09"})
    body = page.content.decode()
    assert page.context["business"].rows[0].pace == Decimal("700.00")
    assert 'data-testid="pace-quantity"' in body and "700.00" in body


def test_weekly_summary_without_targets_says_so(client, manager):
    client.force_login(manager)
    page = client.get(reverse("visits:weekly_summary"))
    assert not page.context["business"].has_targets


def test_month_results_show_the_months_analysis(client, book, supervisor):
    IndicatorResultFactory(
        owner=book, month=MONTH, code=MarketIndicator.QUANTITY, target=Decimal(2300), actual=600, abnormal=True
    )
    IndicatorResultFactory(
        owner=book,
        month=MONTH,
        kind=IndicatorResult.Kind.BRAND,
        product=ProductFactory(code="K1"),
        code=Rate.STOCKING,
        target=Decimal(80),
        actual=Decimal("76.01"),
        abnormal=False,
    )
    result = month_review.result_for(book, MONTH)
    client.force_login(supervisor)
    page = client.get(reverse("visits:result", args=[result.pk]))
    indicators = page.context["indicators"]
    assert [r.code for r in indicators["market"]] == ["quantity"]
    assert [r.code for r in indicators["brand"]] == ["stocking_rate"]
    body = page.content.decode()
    assert 'data-testid="month-indicators"' in body and "76.01" in body
    # The month's pace over the whole month: the target itself.
    assert page.context["business"].rows[0].pace == Decimal("2300.00")
