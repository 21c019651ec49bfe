"""On a phone: a manager opens a group client, sees its key persons with their VIP cards,
and proposes a grade change for a member client; the supervisor approves it and the
client changes."""

from pathlib import Path

import pytest

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.defaults import ensure_default_cards
from clients.models import Client, ClientGroup, GradeProposal
from clients.tests.factories import ClientFactory, ContactFactory, default_tier
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "group-pass-2026-x"


def test_group_key_persons_with_cards_and_a_grade_change_approved(live_server, phone):
    ensure_default_cards()
    supervisor = SupervisorFactory(username="grp_sup", password=PASSWORD)
    manager = ManagerFactory(username="grp_mgr", team=supervisor.team, password=PASSWORD)
    group = ClientGroup.objects.create(
        code="G-XH", name="Xihu Holdings", tier=default_tier(), lead_manager=manager, group_class="A"
    )
    member = ClientFactory(owner=manager, name="Xihu Tea Trading", group=group, size="small")
    ContactFactory(client=member, name="Chairman Zhao", is_key_person=True, key_person_type="top_decision_maker")
    ContactFactory(client=member, name="Ms Qian", is_key_person=True, key_person_type="designated_contact")

    page = phone()
    log_in(page, live_server.url, "grp_mgr", PASSWORD)
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.get_by_test_id("group-link").tap()
    key_persons = page.get_by_test_id("key-persons")
    assert "Chairman Zhao" in key_persons.inner_text() and "Ms Qian" in key_persons.inner_text()
    cards = {
        person.inner_text().split("\n")[0]: person.get_by_test_id("vip-card").inner_text()
        for person in key_persons.get_by_test_id("person").all()
    }
    assert any("Chairman Zhao" in name and card == "Diamond" for name, card in cards.items()), cards
    assert any("Ms Qian" in name and card == "Gold" for name, card in cards.items()), cards
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.get_by_test_id("propose-grade").tap()
    page.get_by_label("Proposed size").select_option("large")
    page.get_by_label("Reason").fill("Volume doubled this year")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose").tap()
    proposal = GradeProposal.objects.get()
    assert proposal.status == "pending"

    page.context.clear_cookies()
    log_in(page, live_server.url, "grp_sup", PASSWORD)
    page.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    page.get_by_label("Approve").check()
    page.get_by_label("Comment").fill("Agreed")
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").tap()
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert Client.objects.get(pk=member.pk).size == "large"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "grade-proposal-phone.png"), full_page=True)
