"""A manager on a phone logs a call from a contact on the client page, with a promise
and its date, and finds the follow-up on the home page; the call is on the client file."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory, ContactFactory
from interactions.models import FollowUpTask, Interaction
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "interaction-pass-2026"


def test_log_a_call_with_a_promise_and_see_the_follow_up_at_home(live_server, phone):
    supervisor = SupervisorFactory(username="int_sup", password=PASSWORD)
    manager = ManagerFactory(username="int_mgr", team=supervisor.team, password=PASSWORD)
    acme = ClientFactory(owner=manager, name="Qiantang Tea House")
    ContactFactory(client=acme, name="Ms Lin", is_key_person=True)
    due = timezone.localdate() + timedelta(days=2)

    page = phone()
    log_in(page, live_server.url, "int_mgr", PASSWORD)
    page.goto(f"{live_server.url}{acme.get_absolute_url()}")
    page.get_by_test_id("contact").get_by_role("link", name="Log contact").tap()
    assert page.get_by_label("Contact", exact=True).input_value() != ""  # the contact tapped is chosen
    page.get_by_label("Phone call").check()
    page.get_by_label("From the client").check()
    page.get_by_label("Summary").fill("Asked for next year's tea price list")
    page.get_by_label("The client asked for something: reply within 24 hours").check()
    page.get_by_label("Promised follow-up").fill("Send the 2027 price list")
    page.get_by_label("Follow up on").fill(f"{due:%Y-%m-%d}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.get_by_role("button", name="Save").tap()

    assert page.url.endswith(acme.get_absolute_url())
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Asked for next year's tea price list" in timeline and "Ms Lin" in timeline
    interaction = Interaction.objects.get()
    assert interaction.is_request and interaction.contact.name == "Ms Lin"
    assert FollowUpTask.objects.get().due_on == due

    page.goto(f"{live_server.url}/")
    card = page.get_by_test_id("follow-ups-card")
    follow_up = card.get_by_test_id("follow-up")
    assert "Send the 2027 price list" in follow_up.inner_text()
    assert f"{due:%m-%d}" in follow_up.inner_text()
    assert "1 request waiting" in page.get_by_test_id("requests-card").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "interaction-phone.png"), full_page=True)
