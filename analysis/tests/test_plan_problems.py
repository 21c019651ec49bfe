"""From the analysis into the plan: a target client behind an abnormal product becomes a
proposed key client of the month's plan with its reason; the plan page warns (does not
block) while analysis steps are missing, for the manager and for the approving supervisor."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from analysis import brand, market
from analysis.models import MonthAnalysis
from clients.tests.factories import ClientFactory
from visits import services
from visits.models import MonthlyPlan

from .factories_targets import BrandTargetFactory, BusinessFigureFactory, ProductFactory, TargetClientFactory

PLANNED, NOV = date(2026, 12, 1), date(2026, 11, 1)


def test_a_client_not_stocking_an_abnormal_product_is_a_proposed_key_client(manager):
    x = ProductFactory(name="Xiang")
    stocked, missing, other = (ClientFactory(owner=manager) for _ in range(3))
    for client in (stocked, missing):
        TargetClientFactory(client=client, product=x, month=NOV)
    BusinessFigureFactory(client=stocked, product=x, month=NOV, orders=1)
    BrandTargetFactory(owner=manager, product=x, month=NOV, stocking_rate=80)  # 50 % against 80 %: abnormal
    brand.analyse_brands(owner=manager, month=PLANNED)

    plan = services.start_plan(owner=manager, month=PLANNED, by=manager)
    lines = {line.client_id: line for line in plan.lines.all()}
    assert lines[missing.pk].is_key
    assert "Did not stock Xiang (stocking rate 50 % against 80 %)" in lines[missing.pk].key_reasons
    assert lines[missing.pk].frequency == "weekly"
    assert not lines[stocked.pk].is_key and not lines[other.pk].is_key


def test_problem_clients_of_another_month_are_not_proposed(manager):
    x = ProductFactory()
    client = ClientFactory(owner=manager)
    TargetClientFactory(client=client, product=x, month=NOV)
    BrandTargetFactory(owner=manager, product=x, month=NOV, stocking_rate=80)
    brand.analyse_brands(owner=manager, month=PLANNED)
    plan = services.start_plan(owner=manager, month=date(2027, 1, 1), by=manager)
    assert not plan.lines.get(client=client).is_key


def test_the_plan_warns_about_missing_steps_and_can_still_be_submitted_and_approved(client, manager, supervisor):
    ClientFactory(owner=manager)
    plan = services.start_plan(owner=manager, month=PLANNED, by=manager)
    client.force_login(manager)
    page = client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="analysis-missing"' in page and "brand analysis" in page and "demand confirmed" in page

    services.submit_plan(plan, by=manager)  # warn, not block
    client.force_login(supervisor)
    page = client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="decision"' in page and 'data-testid="analysis-missing"' in page
    services.approve_plan(plan, by=supervisor)
    assert MonthlyPlan.objects.get(pk=plan.pk).status == MonthlyPlan.Status.APPROVED


def test_no_warning_once_every_step_is_done(client, manager):
    now = timezone.now()
    MonthAnalysis.objects.create(
        owner=manager, team=manager.team, month=PLANNED, demand_confirmed_at=now, effect_computed_at=now,
        strategies_generated_at=now,
    )  # fmt: skip
    brand.conclude_brand_analysis(owner=manager, month=PLANNED, problems="", focus="")
    plan = services.start_plan(owner=manager, month=PLANNED, by=manager)
    client.force_login(manager)
    page_before = client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
    assert "market analysis" in page_before and "brand analysis" not in page_before
    market.conclude_market_analysis(owner=manager, month=PLANNED, problems="", focus="")
    page = client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="analysis-missing"' not in page
