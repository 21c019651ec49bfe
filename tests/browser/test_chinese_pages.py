"""In Chinese, the main pages of each role show no English (issue 29, "Done when"): the
interface comes from the zh_Hans catalogue, the names admins give (tiers, categories,
teams, …) from their Chinese fields. Codes, e-mail addresses, user names and a few
abbreviations (VIP, CSV, …) are allowed.

A failure lists, page by page, the English words seen: an untranslated msgid of the
catalogue, or a name with no Chinese version."""

import re

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    "manager1": [
        "/",
        "/visits/today/",
        "/visits/week/",
        "/visits/calendar/",
        "/visits/plans/",
        "/clients/",
        "/complaints/",
        "/interactions/follow-ups/",
        "/care/",
        "/surveys/",
        "/dashboards/visits/",
    ],
    "supervisor1": [
        "/",
        "/visits/plans/",
        "/clients/",
        "/complaints/",
        "/surveys/",
        "/performance/at-risk/",
        "/performance/scorecard/",
        "/dashboards/visits/",
        "/dashboards/complaints/",
        "/dashboards/satisfaction/",
        "/dashboards/business/",
    ],
    "admin": ["/", "/clients/", "/complaints/", "/dashboards/complaints/", "/dashboards/satisfaction/"],
}

# Latin words allowed in a Chinese page: abbreviations used as such in Chinese offices.
ALLOWED_WORDS = {"VIP", "CSAT", "NPS", "CSV", "Excel", "PDF", "API", "KPI", "ID", "iCal", "CRM", "SLA"}
# Codes (DEMO-C0001, HZ-0001), e-mail addresses, user names (manager1), web addresses.
ALLOWED_PATTERNS = [
    re.compile(r"\S+@\S+"),
    re.compile(r"https?://\S+"),
    re.compile(r"\b[A-Z][A-Z0-9]*[-_][A-Z0-9-_]+\b"),
    re.compile(r"\b(?:manager|supervisor)\d+\b|\badmin\b"),
]
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def english_words(text: str) -> list[str]:
    for pattern in ALLOWED_PATTERNS:
        text = pattern.sub(" ", text)
    return sorted({word for word in WORD.findall(text) if word not in ALLOWED_WORDS})


@pytest.fixture
def demo_data(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def visible_text(page) -> str:
    """What a reader sees: rendered text (hidden elements left out), placeholders and the
    labels of buttons and inputs."""
    return page.evaluate(
        """() => {
            const parts = [document.body.innerText];
            for (const el of document.querySelectorAll('[placeholder], input[type=submit], input[type=button]')) {
                if (el.offsetParent !== null) parts.push(el.placeholder || el.value || '');
            }
            return parts.join('\\n');
        }"""
    )


@pytest.mark.parametrize("username", list(PAGES))
def test_chinese_pages_show_no_english(live_server, demo_data, browser, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        found = {}
        for path in PAGES[username]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{path}: {response.status}"
            words = english_words(visible_text(page))
            if words:
                found[path] = words
    finally:
        context.close()
    report = "\n".join(f"  {path}: {', '.join(words)}" for path, words in found.items())
    assert not found, f"English seen by {username} in zh-CN:\n{report}"
