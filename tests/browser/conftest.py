"""Playwright with Debian's chromium (Playwright cannot download browsers here)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CRM_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls our
# fixtures make from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CRM_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """Factory of phone-sized pages (375 × 740, touch), one context per call."""
    contexts = []

    def open_page(locale: str = "en-US"):
        context = browser.new_context(
            viewport={"width": 375, "height": 740},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def migration_defaults(request):
    """Transactional tests flush the database afterwards, data migrations included:
    put the default tiers, SLA policies, categories and survey back before each browser test
    (the default visit types are set aside, see conftest.py)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    from clients.defaults import ensure_default_tiers
    from complaints.defaults import ensure_complaint_defaults
    from surveys.defaults import ensure_default_survey
    from visits.models import VisitType

    ensure_default_tiers()
    ensure_complaint_defaults()
    ensure_default_survey()
    # A serialized rollback brings the default visit types back in use: set aside, as for
    # the rest of the suite (conftest.py); a test of them asks for ``visit_types``.
    VisitType.objects.update(is_active=False)
