"""The navigation's search box on a phone (issue #32): suggestions as you type, chosen with
the arrow keys and Enter (the combobox pattern); Enter on an exact code opens the client."""

import re

import pytest

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory, ContactFactory
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "search-pass-2026"


def test_suggestions_and_enter_on_an_exact_code(live_server, phone):
    manager = ManagerFactory(username="search_mgr", password=PASSWORD)
    other = ManagerFactory(username="search_other", password=PASSWORD)
    tea = ClientFactory(owner=manager, code="HZ-TEA-1", name="West Lake Tea Co")
    ContactFactory(client=tea, name="Zhou West")
    ClientFactory(owner=other, code="HZ-TEA-9", name="West Lake Hidden Co")
    page = phone()
    log_in(page, live_server.url, "search_mgr", PASSWORD)

    page.get_by_role("button", name="Toggle navigation").tap()
    box = page.get_by_role("combobox", name="Search clients, contacts, complaints and groups")
    box.fill("West La")
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option").first.wait_for()
    options = listbox.get_by_role("option").all_inner_texts()
    assert any("West Lake Tea Co" in text for text in options)
    assert not any("Hidden" in text for text in options)  # another team's client never shows
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "nav-search-option-0"
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/clients/{tea.pk}/$"))

    # Enter on the exact code, with nothing chosen in the list: straight to the client.
    page.goto(f"{live_server.url}/search/?q=West")
    page.get_by_role("searchbox", name="Search").fill("hz-tea-1")
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.wait_for_url(re.compile(rf"/clients/{tea.pk}/$"))
