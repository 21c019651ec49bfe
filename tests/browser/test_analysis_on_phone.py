"""The month's analysis in a browser, in Chinese on a 375-px phone (issue #27): a manager
sets this month's brand targets and target clients (steps 3–4), then, for next month, keys
in and confirms a client's demand (step 1), computes the business effect and generates
strategies (step 2) and runs the brand analysis (step 5). The target clients behind the
abnormal stocking rate come into next month's plan as proposed key clients with their
reason; the supervisor approves the plan."""

import re

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from analysis.models import BrandTarget, BusinessFigure, Demand, FocusProduct, MonthAnalysis, ProblemClient, Product
from clients.tests.factories import ClientFactory
from visits import rules
from visits.models import MonthlyPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "analysis-pass-2026"


def log_in_chinese(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_steps_one_to_five_then_the_plan_is_approved(live_server, phone, browser):
    supervisor = SupervisorFactory(username="ana_sup", password=PASSWORD)
    manager = ManagerFactory(username="ana_mgr", team=supervisor.team, password=PASSWORD)
    tea = ClientFactory(owner=manager, name="龙井茶庄")
    shop = ClientFactory(owner=manager, name="便民超市")
    kiosk = ClientFactory(owner=manager, name="街角报亭")
    key_brand = Product.objects.create(code="XH-YJ", name="西湖（硬金）", brand="西湖", is_key_brand=True, unit="条")
    other = Product.objects.create(code="LQ-01", name="利群（新版）", brand="利群", unit="条")
    this_month = rules.month_start(timezone.localdate())
    next_month = rules.next_month(this_month)
    for month in (this_month, next_month):
        FocusProduct.objects.create(team=supervisor.team, month=month, product=key_brand, set_by=supervisor)
    # This month's figures so far: only the tea house stocks the key brand.
    BusinessFigure.objects.create(client=tea, product=key_brand, month=this_month, quantity=30, amount=6000, orders=1)
    BusinessFigure.objects.create(client=shop, product=other, month=this_month, quantity=50, amount=5000, orders=2)

    page = phone(locale="zh-CN")
    log_in_chinese(page, live_server.url, "ana_mgr")

    # Step 3: this month's targets of the key brand's four rates (judged in next month's analysis).
    page.goto(f"{live_server.url}/analysis/brand-targets/?month={this_month:%Y-%m}")
    page.get_by_label("西湖（硬金） · 上柜率").fill("80")
    page.locator("select[name=until]").select_option(f"{this_month:%Y-%m}")
    with page.expect_navigation():
        page.get_by_role("button", name="保存目标").tap()
    assert BrandTarget.objects.get(owner=manager, product=key_brand, month=this_month).stocking_rate == 80

    # Step 4: the three clients the stocking rate counts, ticked by hand.
    page.goto(f"{live_server.url}/analysis/target-clients/?month={this_month:%Y-%m}&product={key_brand.pk}")
    for client in (tea, shop, kiosk):
        page.locator(f"input[name=clients][value='{client.pk}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存目标客户").tap()
    assert "已保存 3 个目标客户" in page.content()
    assert fits_the_phone(page)

    # Step 1: next month's demand of the tea house, keyed in and confirmed.
    page.goto(f"{live_server.url}/analysis/demand/?month={next_month:%Y-%m}")
    page.locator("input[name=client_text]").fill("龙井")  # a search box, not the book in a list
    page.locator("[role=listbox] [role=option]").first.click()
    assert page.locator("input[name=client]").input_value() == str(tea.pk)
    page.locator("select[name=product]").select_option(str(key_brand.pk))
    page.locator("input[name=quantity]").fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="保存需求").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="确认本月全部").tap()
    assert Demand.objects.get(client=tea, month=next_month).confirmed_at is not None
    assert fits_the_phone(page)

    # Step 2: the business effect of this month's figures, then the strategies.
    page.goto(f"{live_server.url}/analysis/effect/?month={next_month:%Y-%m}")
    with page.expect_navigation():
        page.get_by_test_id("compute-effect").tap()
    assert "已计算 3 个客户的经营效果" in page.content()
    with page.expect_navigation():
        page.get_by_test_id("generate-strategies").tap()

    # Step 5: the brand analysis: 1 of 3 target clients stocked the key brand, 33.33 % against 80 %.
    page.goto(f"{live_server.url}/analysis/brand/?month={next_month:%Y-%m}")
    with page.expect_navigation():
        page.get_by_role("button", name="计算品牌分析").tap()
    results = page.get_by_test_id("brand-results").inner_text()
    assert "33.33" in results and "西湖（硬金）" in results
    page.locator("textarea[name=problems]").fill("街角报亭、便民超市未上柜西湖（硬金）")
    page.locator("textarea[name=focus]").fill("逐户推荐重点品牌")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并标记此步骤完成").tap()
    assert MonthAnalysis.objects.get(owner=manager, month=next_month).brand_analysed_at is not None
    assert set(ProblemClient.objects.filter(month=next_month).values_list("client_id", flat=True)) == {
        shop.pk,
        kiosk.pk,
    }
    assert fits_the_phone(page)

    # Next month's plan proposes the two as key clients, with the analysis's reason.
    page.goto(f"{live_server.url}/visits/plans/")
    page.get_by_role("button", name=f"起草 {next_month:%Y-%m} 计划").tap()
    page.wait_for_url(re.compile(r"/visits/plans/\d+/$"))
    body = page.content()
    assert body.count("未上柜西湖（硬金）") >= 2
    assert page.get_by_label("街角报亭 为重点客户").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="提交主管审批").tap()
    assert fits_the_phone(page)

    # The supervisor approves it.
    desk_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = desk_context.new_page()
    log_in_chinese(desk, live_server.url, "ana_sup")
    desk.goto(f"{live_server.url}{MonthlyPlan.objects.get(owner=manager).get_absolute_url()}")
    desk.locator("textarea[name=comment]").fill("同意")
    with desk.expect_navigation():
        desk.locator("button[name=decision][value=approve]").click()
    desk_context.close()
    plan = MonthlyPlan.objects.get(owner=manager, month=next_month)
    assert plan.status == MonthlyPlan.Status.APPROVED
    assert {line.client_id for line in plan.lines.filter(is_key=True)} >= {shop.pk, kiosk.pk}
    assert plan.lines.count() == 3
