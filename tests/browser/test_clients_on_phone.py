"""An account manager, on a phone, creates a client with a key person and finds it again by search."""

import re
from pathlib import Path

import pytest

from accounts.tests.factories import ManagerFactory
from clients.defaults import ensure_default_tiers
from clients.models import Client
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "phone-pass-2026"
DETAIL_URL = re.compile(r"/clients/\d+/$")


def test_create_client_with_key_person_and_find_it(live_server, phone):
    ensure_default_tiers()  # an earlier transactional test may have flushed them
    ManagerFactory(username="field_mgr", password=PASSWORD)
    page = phone()
    log_in(page, live_server.url, "field_mgr", PASSWORD)

    page.goto(f"{live_server.url}/clients/")
    page.get_by_role("link", name="New client").tap()
    page.get_by_label("Code").fill("HZ-0001")
    page.get_by_label("Name").fill("West Lake Tea Co")
    page.get_by_label("Industry").select_option(label="Retail and wholesale")
    page.get_by_label("Tier").select_option(label="VIP Gold")
    page.get_by_label("Visit method").select_option(label="On site")
    page.get_by_label("Email").fill("office@westlaketea.cn")
    # A bad phone number is reported next to the field and nothing typed is lost.
    page.get_by_label("Phone").fill("call me")
    page.get_by_role("button", name="Save").tap()
    page.wait_for_selector("#id_phone.is-invalid")
    assert "phone number" in page.locator("#id_phone ~ .invalid-feedback").inner_text()
    assert page.get_by_label("Name").input_value() == "West Lake Tea Co"
    page.get_by_label("Phone").fill("0571-8888 6666")
    page.get_by_role("button", name="Save").tap()

    page.wait_for_url(DETAIL_URL)
    assert page.get_by_role("heading", level=1).inner_text() == "West Lake Tea Co"
    page.get_by_role("link", name="Add contact").tap()
    page.get_by_label("Name").fill("Zhou Min")
    page.get_by_label("Title").fill("General manager")
    page.get_by_label("Mobile").fill("13912345678")
    page.get_by_label("Key person").check()
    page.get_by_label("Role in decisions").select_option(label="Decision maker")
    page.get_by_label("Birthday").fill("1976-05-12")
    page.get_by_role("button", name="Save").tap()

    page.wait_for_url(DETAIL_URL)
    contacts = page.get_by_test_id("contacts")
    assert "Zhou Min" in contacts.inner_text() and "Key person" in contacts.inner_text()
    assert "Contact added: Zhou Min" in page.get_by_test_id("timeline").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "client-detail-phone.png"), full_page=True)

    # Back to the list: search by the key person's name finds the client.
    page.get_by_role("link", name="Clients").first.evaluate("a => a.click()")
    page.wait_for_url(f"{live_server.url}/clients/")
    page.get_by_role("searchbox").fill("Zhou Min")
    page.get_by_role("button", name="Search", exact=True).tap()
    page.wait_for_url("**/clients/?q=*")
    assert page.get_by_test_id("result-count").inner_text() == "1 client"
    page.get_by_role("link", name="West Lake Tea Co").tap()
    page.wait_for_url(DETAIL_URL)
    assert page.get_by_role("heading", level=1).inner_text() == "West Lake Tea Co"
    page.screenshot(path=str(ARTIFACTS / "client-search-phone.png"), full_page=True)

    client = Client.objects.get(code="HZ-0001")
    assert client.contacts.get().is_key_person
    assert client.email == "office@westlaketea.cn"
