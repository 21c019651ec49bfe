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
              "/dashboards/satisfaction/", "/accounts/profile/", "/accounts/password/", "/visits/schedule/",
              "/visits/results/", "/complaints/return-visits/"]  # fmt: skip
    pk = world.client.pk
    own = [f"/clients/{pk}/", f"/clients/{pk}/edit/", f"/visits/log/?client={pk}",
           f"/complaints/{world.complaint.pk}/", f"/complaints/new/?client={pk}"]  # fmt: skip
    detail = [f"/visits/plans/{world.plan.pk}/", f"/visits/results/{world.result.pk}/", f"/visits/strategies/{pk}/",
              f"/surveys/clients/{pk}/invite/", f"/surveys/invitations/{world.invitation.pk}/",
              f"/surveys/invitations/{world.invitation.pk}/phone/"]  # fmt: skip
    if role == "manager":
        return common + own + detail
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
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.evaluate("window.__violations") == []  # the login page itself
        log_in(page, live_server.url, user.username, PASSWORD)
        for path in pages_for(world, role):
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            assert response.status == 200, path
            assert "default-src 'self'" in response.headers["content-security-policy"]
            if path.startswith("/dashboards/") and page.locator("canvas").count():  # no chart without data
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
    response = page.goto(f"{live_server.url}/s/{world.token}/")
    assert response.status == 200 and page.evaluate("window.__violations") == []
    login_page = page.goto(f"{live_server.url}/clients/999999/")  # anonymous: sent to the login page
    assert login_page.status == 200 and page.evaluate("window.__violations") == []  # the login page, anonymous
    context.close()
    assert len(checked) >= 30
