"""A demo account manager logs in on a phone and sees the home page, in English and Chinese."""

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_data(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("locale", "log_in", "home_heading", "team_label", "team_name", "menu"),
    [
        ("en-US", "Log in", "Good day, 王芳", "My team", "East district", "My profile"),
        ("zh-CN", "登录", "您好，王芳", "我的团队", "东城片区", "我的资料"),
    ],
)
def test_demo_manager_logs_in_on_phone(
    live_server, demo_data, phone, locale, log_in, home_heading, team_label, team_name, menu
):
    page = phone(locale)
    page.goto(f"{live_server.url}/")
    # Anonymous visitors land on the login page, in the browser's language.
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名" if locale == "zh-CN" else "Username").fill("manager1")
    page.get_by_label("密码" if locale == "zh-CN" else "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=log_in).click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == home_heading
    assert page.get_by_test_id("my-team-card").get_by_text(team_label).is_visible()
    # The team's name in the reader's language (names per language), never both.
    team_card = page.get_by_test_id("my-team-card").inner_text()
    assert team_name in team_card
    assert ("东城" in team_card) is (locale == "zh-CN")

    # The page fits a 375-px screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # On a phone the navigation is collapsed behind the toggler and opens on tap.
    nav = page.get_by_role("navigation")
    profile_link = nav.get_by_role("link", name=menu)
    assert not profile_link.is_visible()
    nav.locator(".navbar-toggler").tap()
    nav.locator("#user-menu").tap()
    profile_link.tap()
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert "manager1" in page.content()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"login-phone-{locale}.png"), full_page=True)
