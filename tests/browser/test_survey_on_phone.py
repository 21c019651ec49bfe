"""A manager creates a survey link on a client page; the client opens it on a phone
without logging in, in Chinese, answers (after being told a required answer is missing),
and the manager sees the score on the client file."""

from pathlib import Path

import pytest

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory, ContactFactory
from surveys.models import Response
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "survey-pass-2026"


def test_client_answers_survey_link_on_phone(live_server, phone):
    manager = ManagerFactory(username="survey_mgr", password=PASSWORD)
    acme = ClientFactory(owner=manager, name="西湖茶业")
    ContactFactory(client=acme, name="王芳", is_key_person=True)

    staff = phone()
    log_in(staff, live_server.url, "survey_mgr", PASSWORD)
    staff.goto(f"{live_server.url}{acme.get_absolute_url()}")
    staff.get_by_role("link", name="Invite to a survey").tap()
    staff.get_by_label("Contact", exact=True).select_option(label="王芳")
    staff.get_by_role("button", name="Create invitation").tap()
    link = staff.get_by_test_id("survey-link").input_value()
    assert link.startswith(live_server.url + "/s/")

    visitor = phone(locale="en-US")  # a fresh context: not logged in
    visitor.goto(link)
    assert visitor.locator("html").get_attribute("lang") == "zh-hans"  # the contact's language
    assert "客户满意度调查" in visitor.locator("h1").inner_text()
    questions = visitor.locator("fieldset")
    # Answer every rating with 5 but forget the required "would recommend" question.
    for index in range(5):
        questions.nth(index).locator("label", has_text="5").first.tap()
    visitor.get_by_role("button", name="提交回答").tap()
    error = visitor.locator("fieldset").nth(5).locator(".invalid-feedback")
    assert "此题必答" in error.inner_text()
    assert visitor.locator("fieldset").nth(0).locator("input[value='5']").is_checked()  # nothing typed is lost
    questions.nth(5).locator("label", has_text="10").tap()
    visitor.get_by_role("button", name="提交回答").tap()
    assert "谢谢" in visitor.get_by_test_id("survey-message").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(ARTIFACTS / "survey-thanks-phone.png"))

    # The link works once only.
    visitor.goto(link)
    assert visitor.get_by_test_id("survey-message").get_attribute("data-kind") == "answered"

    response = Response.objects.get(client=acme)
    assert (response.ratings, response.satisfied_ratings, response.nps_score) == (5, 5, 10)
    staff.goto(f"{live_server.url}{acme.get_absolute_url()}")
    assert staff.get_by_test_id("latest-csat").inner_text() == "100%"
    assert staff.get_by_test_id("latest-nps").inner_text() == "10"
