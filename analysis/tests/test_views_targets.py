"""The pages of steps 3–6, the overview and the team page: who may do what, what a POST
changes, and a bounded number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.models import BrandTarget, FocusProduct, IndicatorResult, MarketTarget, MonthAnalysis, TargetClient
from clients.models import Client
from clients.tests.factories import ClientFactory, default_tier

from .factories_targets import (
    BrandTargetFactory,
    BusinessFigureFactory,
    FocusProductFactory,
    ProductFactory,
    TargetClientFactory,
)

PLANNED, NOV = date(2026, 12, 1), date(2026, 11, 1)
Q = "?month=2026-12"


def url(name, query=Q):
    return reverse(f"analysis:{name}") + query


@pytest.fixture
def abnormal(manager):
    """A manager whose product X is abnormal in November (50 % stocking against 80 %)."""
    x = ProductFactory(name="Xiang")
    FocusProductFactory(team=manager.team, product=x, month=NOV)
    FocusProductFactory(team=manager.team, product=x, month=PLANNED)
    stocked, missing = ClientFactory(owner=manager, name="Stocked"), ClientFactory(owner=manager, name="Missing")
    for client in (stocked, missing):
        TargetClientFactory(client=client, product=x, month=NOV)
    BusinessFigureFactory(client=stocked, product=x, month=NOV, orders=1)
    BrandTargetFactory(owner=manager, product=x, month=NOV, stocking_rate=80)
    return x


def test_overview_lists_the_six_steps(client, manager):
    client.force_login(manager)
    page = client.get(url("overview")).content.decode()
    assert page.count("list-group-item") == 6 and "Brand targets" in page and "Market analysis" in page
    assert reverse("analysis:brand") in page


@pytest.mark.parametrize("who", ["teammate", "other_manager", "other_supervisor"])
def test_another_persons_analysis_is_404(client, manager, who, request):
    client.force_login(request.getfixturevalue(who))
    for name in ("overview", "brand", "market", "brand_targets", "target_clients"):
        assert client.get(url(name, f"{Q}&owner={manager.pk}")).status_code == 404
    assert client.get(url("overview", "?owner=abc")).status_code == 404


def test_the_supervisor_reads_a_managers_analysis_but_does_not_change_it(client, manager, supervisor, abnormal):
    client.force_login(supervisor)
    page = client.get(url("brand", f"{Q}&owner={manager.pk}"))
    assert page.status_code == 200 and "read-only" in page.content.decode()
    assert client.post(url("brand", f"{Q}&owner={manager.pk}"), {"analyse": "1"}).status_code == 403
    assert not IndicatorResult.objects.exists()


def test_a_manager_cannot_set_focus_products(client, manager, supervisor):
    x = ProductFactory()
    client.force_login(manager)
    assert client.post(url("focus"), {"products": [x.pk]}).status_code == 403
    client.force_login(supervisor)
    response = client.post(url("focus"), {"products": [x.pk]})
    assert response.status_code == 302
    assert list(FocusProduct.objects.values_list("team", "month", "product")) == [(manager.team.pk, PLANNED, x.pk)]
    client.force_login(manager)
    assert "Product" in client.get(url("focus")).content.decode()  # the manager sees the team's


def test_a_manager_sets_brand_targets_for_a_range(client, manager, abnormal):
    client.force_login(manager)
    key = f"p{abnormal.pk}_"
    data = {"until": "2027-01", key + "stocking_rate": "85", key + "active_rate": "70"}
    assert client.post(url("brand_targets"), data).status_code == 302
    target = BrandTarget.objects.get(owner=manager, month=PLANNED)  # January has no focus products
    assert target.stocking_rate == Decimal("85") and target.repurchase_rate is None
    page = client.post(url("brand_targets"), {**data, key + "stocking_rate": "120", "until": "2026-13"})
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    assert BrandTarget.objects.get(owner=manager, month=PLANNED).stocking_rate == Decimal("85")


def test_target_clients_by_tier_and_by_hand_among_own_clients(client, manager, other_manager, abnormal):
    gold = default_tier("vip-gold")
    vip = ClientFactory(owner=manager, tier=gold)
    plain = ClientFactory(owner=manager, client_type=Client.Type.INDIVIDUAL)
    theirs = ClientFactory(owner=other_manager, tier=gold)
    client.force_login(manager)
    target = url("target_clients", f"{Q}&product={abnormal.pk}")
    assert client.post(target, {"tier": gold.pk, "clients": [plain.pk]}).status_code == 302
    chosen = set(TargetClient.objects.filter(month=PLANNED).values_list("client_id", flat=True))
    assert chosen == {vip.pk, plain.pk}
    page = client.post(target, {"clients": [theirs.pk]})
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    assert client.post(target, {"client_type": Client.Type.INDIVIDUAL}).status_code == 302
    assert set(TargetClient.objects.filter(month=PLANNED).values_list("client_id", flat=True)) == {plain.pk}


def test_brand_analysis_page_computes_and_concludes(client, manager, abnormal):
    client.force_login(manager)
    assert client.post(url("brand"), {"analyse": "1"}).status_code == 302
    page = client.get(url("brand")).content.decode()
    assert "Abnormal" in page and "Missing" in page and "Did not stock Xiang" in page
    assert client.post(url("brand"), {"problems": "X is slow", "focus": "Push X"}).status_code == 302
    analysis = MonthAnalysis.objects.get(owner=manager, month=PLANNED)
    assert analysis.brand_analysed_at and analysis.brand_problems == "X is slow"


def test_market_page_saves_conclusions_and_next_months_targets(client, manager):
    client.force_login(manager)
    assert client.post(url("market"), {"analyse": "1"}).status_code == 302
    response = client.post(url("market"), {"problems": "", "focus": "More K", "quantity": "120", "amount": ""})
    assert response.status_code == 302
    assert list(MarketTarget.objects.values_list("owner", "month", "indicator", "value")) == [
        (manager.pk, PLANNED, "quantity", Decimal("120.00"))
    ]
    assert MonthAnalysis.objects.get(owner=manager, month=PLANNED).market_analysed_at
    page = client.post(url("market"), {"quantity": "NaN", "focus": "x" * 5000})
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()


def test_the_supervisor_sees_the_team_and_its_abnormal_indicators(client, manager, supervisor, abnormal):
    from analysis import brand

    brand.analyse_brands(owner=manager, month=PLANNED)
    client.force_login(manager)
    assert client.get(url("team")).status_code == 403
    client.force_login(supervisor)
    page = client.get(url("team")).content.decode()
    assert str(manager) in page and "Xiang: Stocking rate 50.00/80.00" in page
    assert client.post(url("team"), {"analyse": "1"}).status_code == 302
    assert IndicatorResult.objects.filter(kind="market", owner__isnull=True, team=manager.team).count() == 7


def test_pages_use_a_bounded_number_of_queries(
    client, manager, supervisor, teammate, abnormal, django_assert_max_num_queries
):
    from analysis import brand, market

    for _ in range(15):
        c = ClientFactory(owner=manager)
        TargetClientFactory(client=c, product=abnormal, month=NOV)
        TargetClientFactory(client=c, product=abnormal, month=PLANNED)
        BusinessFigureFactory(client=c, product=abnormal, month=NOV, orders=2)
    brand.analyse_brands(owner=manager, month=PLANNED)
    market.analyse_market(owner=manager, month=PLANNED)
    client.force_login(manager)
    for name in ("overview", "brand_targets", "target_clients", "brand", "market", "focus"):
        with django_assert_max_num_queries(20):
            assert client.get(url(name)).status_code == 200
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):
        assert client.get(url("team")).status_code == 200
