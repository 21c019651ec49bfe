"""The Content Security Policy is really satisfied: a manager, a supervisor and an admin
open the main pages (forms, charts, the visit log's scripts, the public survey page, the
admin) and the browser reports no violation."""

import pytest

from accounts.tests.factories import AdminFactory
from tests.browser.helpers import log_in
from tests.security import world as w

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "csp-pass-2026"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile
    + ":" + event.lineNumber);
});
"""


def pages_for(world, role):
    common = ["/", "/clients/", "/visits/today/", "/visits/calendar/", "/visits/week/", "/visits/plans/",
              "/complaints/", "/inbox/", "/surveys/", "/dashboards/visits/", "/dashboards/complaints/",
              "/dashboards/satisfaction/", "/accounts/profile/"]  # fmt: skip
    pk = world.client.pk
    own = [f"/clients/{pk}/", f"/clients/{pk}/edit/", f"/visits/log/?client={pk}",
           f"/complaints/{world.complaint.pk}/", f"/complaints/new/?client={pk}"]  # fmt: skip
    if role == "manager":
        return common + own
    if role == "supervisor":
        return common + own[:1] + own[3:4] + ["/clients/import/", f"/clients/{pk}/history/"]
    return ["/admin/", "/admin/clients/client/", f"/admin/clients/client/{world.client.pk}/change/", "/clients/"]


def test_pages_satisfy_the_content_security_policy(live_server, browser, manager, teammate, supervisor, other_manager):
    world = w.build(manager, teammate, other_manager)
    admin = AdminFactory(username="csp_admin")
    for user in (manager, supervisor, admin):
        user.set_password(PASSWORD)
        user.language = "en"
        user.save()
    checked = []
    for user, role in ((manager, "manager"), (supervisor, "supervisor"), (admin, "admin")):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        context.add_init_script(LISTEN)
        page = context.new_page()
        log_in(page, live_server.url, user.username, PASSWORD)
        for path in pages_for(world, role):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert "default-src 'self'" in response.headers["content-security-policy"]
            if path.startswith("/dashboards/"):
                page.wait_for_selector("canvas[data-rendered='true']")
            if path.startswith("/visits/log/"):
                assert page.locator("[name=checked_in_at]").input_value()  # the script ran
            page.wait_for_load_state("load")
            violations = page.evaluate("window.__violations")
            assert violations == [], (path, violations)
            checked.append(path)
        context.close()
    # The public survey page, without logging in.
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{world.token}/")
    assert page.evaluate("window.__violations") == []
    context.close()
    assert len(checked) >= 30
