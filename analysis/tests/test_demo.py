"""The demo's products, figures, targets and analysis: as specified, twice the same, and
with the abnormal indicators a newcomer is meant to find."""

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import User
from analysis import rules
from analysis.models import (
    AbilityScore,
    BrandTarget,
    BusinessFigure,
    Demand,
    FocusProduct,
    IndicatorResult,
    MarketIndicator,
    MarketTarget,
    MonthAnalysis,
    ProblemClient,
    Product,
    ProductCategory,
    Rate,
    TargetClient,
)
from visits.rules import month_start, previous_month

pytestmark = pytest.mark.django_db

MODELS = [Product, ProductCategory, BusinessFigure, FocusProduct, BrandTarget, TargetClient, MarketTarget, Demand,
          AbilityScore, IndicatorResult, MonthAnalysis, ProblemClient]  # fmt: skip


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)


def test_seeding_twice_adds_nothing(seeded):
    first = counts()
    call_command("seed_demo", stdout=None)
    assert counts() == first
    assert all(first.values()), first


def test_products_brands_and_categories(seeded):
    products = Product.objects.filter(code__startswith="DEMO-P")
    assert products.count() == 30
    assert len(set(products.values_list("brand", flat=True))) == 6
    assert products.filter(is_key_brand=True).count() == 8
    assert set(products.values_list("unit", flat=True)) == {"条"}
    assert products.exclude(attributes={}).exists() and products.filter(attributes={}).exists()
    assert ProductCategory.objects.filter(parent__parent__isnull=False).exists()  # a tree, three levels
    assert not products.filter(category__isnull=True).exists()


def test_thirteen_months_of_figures_and_this_month_to_date(seeded):
    today = timezone.localdate()
    last = previous_month(today)
    span = BusinessFigure.objects.exclude(month=month_start(today)).aggregate(first=Min("month"), last=Max("month"))
    assert span["last"] == last
    assert (last.year - span["first"].year) * 12 + last.month - span["first"].month + 1 == 13
    # Every demo client with figures has them in most months; some clients skip some months.
    months_per_client = {}
    for client, month in BusinessFigure.objects.values_list("client_id", "month").distinct():
        months_per_client.setdefault(client, set()).add(month)
    assert any(len(m) < 13 for m in months_per_client.values())
    assert all(row.amount > 0 and row.orders >= 1 for row in BusinessFigure.objects.all()[:200])


def test_some_indicators_are_abnormal_as_arranged(seeded):
    last = previous_month(timezone.localdate())
    manager1 = User.objects.get(username="manager1")
    weak = IndicatorResult.objects.get(
        owner=manager1, month=last, code=Rate.STOCKING, product=Product.objects.get(code="DEMO-P01")
    )
    assert weak.abnormal and weak.target - weak.actual > 20
    assert rules.is_abnormal(weak.target, weak.actual)
    manager4 = User.objects.get(username="manager4")
    assert IndicatorResult.objects.get(owner=manager4, month=last, code=MarketIndicator.QUANTITY).abnormal
    # Most indicators are normal; the flags agree with the rule.
    results = list(IndicatorResult.objects.all())
    assert sum(r.abnormal for r in results) < len(results) / 2
    assert all(r.abnormal == rules.is_abnormal(r.target, r.actual) for r in results)
    # The target clients behind the weak product are this month's problem clients, with a reason.
    problems = ProblemClient.objects.filter(indicator=weak)
    assert problems.exists() and all(p.client.owner_id == manager1.pk for p in problems)
    # Next month's demand is partly confirmed.
    assert Demand.objects.filter(month__gt=month_start(last), confirmed_at__isnull=True).exists()
