"""The permission matrix: every URL of the project, requested as anonymous, as each role
and as people of another team, answers as listed here, and no response names a client (or
shows its phone number) outside the requester's scope. A URL that is not listed fails the
test, so a new page cannot ship without its row.

Columns: anonymous, the owning manager, a teammate (same team, not the owner), the team's
supervisor, another team's supervisor, another team's manager, an admin. Every request runs
in a transaction that is rolled back, so a POST by one role changes nothing for the next.
"""

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from tests.security import world as w

ROLES = ["anon", "manager", "teammate", "supervisor", "other_supervisor", "other_manager", "admin"]

# url name: "METHOD anon manager teammate supervisor other_supervisor other_manager admin"
# 302 for anonymous is the login redirect; 404 is "not in your scope"; 403 "not for your role".
MATRIX = {
    "accounts:login": "GET 200 302 302 302 302 302 302",
    "accounts:logout": "POST 302 302 302 302 302 302 302",
    "accounts:password_change": "GET 302 200 200 200 200 200 200",
    "accounts:profile": "GET 302 200 200 200 200 200 200",
    "analysis:area": "GET 302 200 200 200 200 200 200",
    "analysis:demand": "GET 302 200 200 200 200 200 200",
    "analysis:demand_confirm": "POST 302 302 302 403 403 302 302",
    "analysis:effect": "GET 302 200 200 200 200 200 200",
    "analysis:effect_compute": "POST 302 302 302 403 403 302 302",
    "analysis:generate": "POST 302 302 302 403 403 302 302",
    "analysis:score": "GET 302 200 404 200 404 404 200",
    "analysis:scores": "GET 302 200 200 200 200 200 200",
    "analysis:brand": "GET 302 200 200 200 200 200 200",
    "analysis:brand_targets": "GET 302 200 200 200 200 200 200",
    "analysis:focus": "GET 302 200 200 200 200 200 200",
    "analysis:market": "GET 302 200 200 200 200 200 200",
    "analysis:overview": "GET 302 200 404 200 404 404 200",
    "analysis:target_clients": "GET 302 200 200 200 200 200 200",
    "analysis:team": "GET 302 403 403 200 200 403 200",
    "care:calendar": "GET 302 200 200 200 200 200 200",
    "care:declined_add": "POST 302 302 302 302 302 302 302",
    "care:event_update": "POST 302 302 404 403 404 404 302",
    "care:events": "GET 302 200 200 200 200 200 200",
    "care:gift_decide": "POST 302 403 404 302 404 404 302",
    "care:gifts": "GET 302 200 200 200 200 200 200",
    "home:client_history": "GET 302 403 403 200 404 403 200",
    "clients:contact_create": "GET 302 200 404 200 404 404 200",
    "clients:contact_delete": "POST 302 302 404 302 404 404 302",
    "clients:contact_edit": "GET 302 200 404 200 404 404 200",
    "clients:create": "GET 302 200 200 200 200 200 200",
    "clients:detail": "GET 302 200 404 200 404 404 200",
    "clients:edit": "GET 302 200 404 200 404 404 200",
    "clients:timeline": "GET 302 200 404 200 404 404 200",
    "clients:export": "GET 302 403 403 200 200 403 200",
    "clients:import": "GET 302 403 403 200 200 403 200",
    "clients:import_confirm": "POST 302 403 403 302 302 403 302",
    "clients:import_errors": "GET 302 403 403 404 404 403 404",
    "clients:import_template": "GET 302 403 403 200 200 403 200",
    "clients:list": "GET 302 200 200 200 200 200 200",
    "clients:pick": "GET 302 200 200 200 200 200 200",
    "clients:group": "GET 302 200 404 200 404 404 200",
    "clients:propose_grade": "GET 302 200 404 200 404 404 200",
    "clients:proposal": "GET 302 200 404 200 404 404 200",
    "clients:proposal_decide": "POST 302 403 404 302 404 404 302",
    "clients:proposals": "GET 302 200 200 200 200 200 200",
    "complaints:attachment": "GET 302 200 404 200 404 404 200",
    "complaints:create": "GET 302 200 404 200 404 404 200",
    "complaints:detail": "GET 302 200 404 200 404 404 200",
    "complaints:list": "GET 302 200 200 200 200 200 200",
    "complaints:return_visit_record": "POST 302 302 404 404 404 404 302",
    "complaints:return_visits": "GET 302 200 200 200 200 200 200",
    "complaints:step": "POST 302 302 404 302 404 404 302",
    "dashboards:business": "GET 302 200 200 200 200 200 200",
    "documents:client": "GET 302 200 404 200 404 404 200",
    "documents:download": "GET 302 200 404 200 404 404 200",
    "documents:expiry": "POST 302 302 404 302 404 404 302",
    "documents:remove": "POST 302 302 404 302 404 404 302",
    "documents:renewals": "GET 302 200 200 200 200 200 200",
    "documents:replace": "GET 302 200 404 200 404 404 200",
    "market:export": "GET 302 200 200 200 200 200 200",
    "market:list": "GET 302 200 200 200 200 200 200",
    "dashboards:complaints": "GET 302 200 200 200 200 200 200",
    "dashboards:quarterly": "GET 302 403 403 200 200 403 200",
    "dashboards:satisfaction": "GET 302 200 200 200 200 200 200",
    "dashboards:visits": "GET 302 200 200 200 200 200 200",
    "analysis:figures_import": "GET 302 403 403 200 200 403 200",
    "analysis:figures_import_confirm": "POST 302 403 403 302 302 403 302",
    "analysis:figures_import_errors": "GET 302 403 403 404 404 403 404",
    "analysis:figures_import_template": "GET 302 403 403 200 200 403 200",
    "api:changes": "GET 401 200 200 200 200 200 200",
    "api:client-detail": "GET 401 200 404 200 404 404 200",
    "api:client-list": "GET 401 200 200 200 200 200 200",
    "api:complaint-detail": "GET 401 200 404 200 404 404 200",
    "api:complaint-list": "GET 401 200 200 200 200 200 200",
    "api:complaint-transition": "POST 401 400 404 400 404 404 400",
    "api:contact-detail": "GET 401 200 404 200 404 404 200",
    "api:contact-list": "GET 401 200 200 200 200 200 200",
    "api:docs": "GET 200 200 200 200 200 200 200",
    "api:interaction-detail": "GET 401 200 404 200 404 404 200",
    "api:interaction-list": "GET 401 200 200 200 200 200 200",
    "api:figure-list": "GET 401 200 200 200 200 200 200",
    "api:analysis-list": "GET 401 200 200 200 200 200 200",
    "api:analysis-detail": "GET 401 200 404 200 404 404 200",
    "api:product-list": "GET 401 200 200 200 200 200 200",
    "api:notification-detail": "GET 401 200 404 404 404 404 404",
    "api:notification-list": "GET 401 200 200 200 200 200 200",
    "api:notification-read": "POST 401 200 404 404 404 404 404",
    "api:notification-read-all": "POST 401 200 200 200 200 200 200",
    "api:redoc": "GET 200 200 200 200 200 200 200",
    "api:schema": "GET 200 200 200 200 200 200 200",
    "api:visit-check-in": "POST 401 400 404 403 404 404 403",
    "api:visit-check-out": "POST 401 400 404 403 404 404 403",
    "api:visit-detail": "GET 401 200 404 200 404 404 200",
    "api:visit-list": "GET 401 200 200 200 200 200 200",
    "api:visit-log-detail": "GET 401 200 404 200 404 404 200",
    "api:visit-log-list": "GET 401 200 200 200 200 200 200",
    "api_tokens:create": "POST 302 302 302 302 302 302 302",
    "api_tokens:revoke": "POST 302 302 404 404 404 404 404",
    "healthz": "GET 200 200 200 200 200 200 200",
    "manifest": "GET 200 200 200 200 200 200 200",
    "service_worker": "GET 200 200 200 200 200 200 200",
    "interactions:follow_up_done": "POST 302 302 404 403 404 404 403",
    "interactions:follow_ups": "GET 302 200 200 200 200 200 200",
    "interactions:log": "GET 302 200 404 200 404 404 200",
    "interactions:message": "GET 302 200 404 200 404 404 200",
    "interactions:message_decide": "POST 302 302 404 302 404 404 302",
    "interactions:message_new": "GET 302 200 200 200 200 200 200",
    "interactions:message_sent": "POST 302 302 404 302 404 404 302",
    "interactions:messages": "GET 302 200 200 200 200 200 200",
    "interactions:plan_visit": "POST 302 302 404 302 404 404 302",
    "interactions:reply": "POST 302 302 404 302 404 404 302",
    "interactions:requests": "GET 302 200 200 200 200 200 200",
    "home:start": "GET 302 200 200 200 200 200 200",
    "home:search": "GET 302 200 200 200 200 200 200",
    "home:search_suggest": "GET 302 200 200 200 200 200 200",
    "inspections:acknowledge": "POST 302 302 404 403 404 404 403",
    "inspections:create": "GET 302 403 403 200 404 403 200",
    "inspections:detail": "GET 302 200 404 200 404 404 200",
    "inspections:list": "GET 302 200 200 200 200 200 200",
    "inspections:review": "GET 302 200 404 200 404 404 200",
    "inspections:reviews": "GET 302 200 200 200 200 200 200",
    "notifications:inbox": "GET 302 200 200 200 200 200 200",
    "notifications:open": "POST 302 302 404 404 404 404 404",
    "notifications:read_all": "POST 302 302 302 302 302 302 302",
    "performance:mark": "POST 302 302 404 302 404 404 302",
    "performance:at_risk": "GET 302 200 200 200 200 200 200",
    "performance:scorecard": "GET 302 200 200 200 200 200 200",
    "performance:scorecard_records": "GET 302 200 404 200 404 404 200",
    "readyz": "GET 503 503 503 503 503 503 503",
    "set_language": "GET 302 302 302 302 302 302 302",
    "survey_respond": "GET 200 200 200 200 200 200 200",
    "surveys:follow_up_done": "POST 302 302 404 302 404 404 302",
    "surveys:invitation": "GET 302 200 404 200 404 404 200",
    "surveys:invite": "GET 302 200 404 200 404 404 200",
    "surveys:mark_sent": "POST 302 302 404 302 404 404 302",
    "surveys:phone": "GET 302 200 404 200 404 404 200",
    "surveys:results": "GET 302 200 200 200 200 200 200",
    "visits:calendar": "GET 302 200 200 200 200 200 200",
    "visits:calendar_week": "GET 302 200 200 200 200 200 200",
    "visits:feed": "GET 200 200 200 200 200 200 200",
    "visits:feed_reset": "POST 302 302 302 302 302 302 302",
    "visits:log": "GET 302 200 404 403 404 404 403",
    "visits:plan": "GET 302 200 404 200 404 404 200",
    "visits:plan_decide": "POST 302 302 404 302 404 404 302",
    "visits:plan_start": "POST 302 302 302 302 302 302 302",
    "visits:plans": "GET 302 200 200 200 200 200 200",
    "visits:result": "GET 302 200 404 200 404 404 200",
    "visits:result_review": "POST 302 403 404 302 404 404 302",
    "visits:result_start": "POST 302 302 302 302 302 302 302",
    "visits:results": "GET 302 200 200 200 200 200 200",
    "visits:route_shortest": "POST 302 302 302 302 302 302 302",
    "visits:schedule": "GET 302 200 200 200 200 200 200",
    "visits:schedule_add": "POST 302 200 200 200 200 200 200",
    "visits:schedule_generate": "POST 302 200 200 200 200 200 200",
    "visits:sheet": "GET 302 200 200 200 200 200 200",
    "visits:outbox": "GET 302 200 200 200 200 200 200",
    "visits:strategies": "GET 302 200 404 200 404 404 200",
    "visits:task_add": "POST 302 200 200 200 200 200 200",
    "visits:visit_check": "POST 302 302 404 404 404 404 404",
    "visits:visit_mark": "POST 302 302 404 404 404 404 404",
    "visits:visit_remove": "POST 302 302 404 404 404 404 404",
    "visits:visit_type": "POST 302 302 404 404 404 404 404",
    "visits:week": "GET 302 200 200 200 200 200 200",
    "visits:weekly_summary": "GET 302 200 200 200 200 200 200",
}

# Django admin: staff (CRM admins) only; everyone else goes to the admin login.
ADMIN_EXPECTED = {"anon": 302, "manager": 302, "teammate": 302, "supervisor": 302, "other_supervisor": 302,
                  "other_manager": 302}  # fmt: skip

# Bearer-token pages (the survey link, the calendar feed) show their owner's client to
# whoever holds the token: that is their purpose.
TOKEN_URLS = {"survey_respond", "visits:feed"}


def url_names(patterns=None, namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_names(entry.url_patterns, inner)
        elif namespace == "admin" and not entry.name:
            continue  # the admin's old-style redirect to a change page: covered by its named twin
        else:
            assert entry.name, f"every URL needs a name to be in the matrix: {entry.pattern}"
            yield entry, f"{namespace}:{entry.name}" if namespace else entry.name


def admin_url(entry, name):
    """An admin URL with its arguments filled with an id that may not exist."""
    regex = entry.pattern.regex
    if not regex.groupindex:
        return reverse(name, args=["1"] * regex.groups)
    arguments = dict.fromkeys(regex.groupindex, "1")
    if "app_label" in arguments:
        arguments["app_label"] = "clients"
    return reverse(name, kwargs=arguments)


def forbidden_text(role):
    """Client names and phone numbers the role must never see."""
    secret_a = ["Alpha Secret Co", "0571-88880001"]
    teammate_a = ["Alpha Teammate Co"]
    team_b = ["Bravo Hidden Co", "0571-99990001"]
    return {
        "anon": secret_a + teammate_a + team_b,
        "manager": teammate_a + team_b,
        "teammate": secret_a + team_b,
        "supervisor": team_b,
        "other_supervisor": secret_a + teammate_a,
        "other_manager": secret_a + teammate_a,
        "admin": [],
    }[role]


@pytest.mark.django_db
def test_every_url_answers_each_role_as_the_matrix_says(
    client, manager, teammate, supervisor, other_supervisor, other_manager, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = w.build(manager, teammate, other_manager)
    arguments = w.url_arguments(world)
    users = {"manager": manager, "teammate": teammate, "supervisor": supervisor, "other_supervisor": other_supervisor,
             "other_manager": other_manager, "admin": admin_user}  # fmt: skip
    entries = list(url_names())
    unlisted = [name for _entry, name in entries if not name.startswith("admin:") and name not in MATRIX]
    assert not unlisted, f"URLs missing from the permission matrix: {unlisted}"
    stale = set(MATRIX) - {name for _entry, name in entries}
    assert not stale, f"rows for URLs that no longer exist: {stale}"

    checked, mismatches, leaks = 0, [], []
    for entry, name in entries:
        if name.startswith("admin:"):
            url, method = admin_url(entry, name), "GET"
            expected = {**ADMIN_EXPECTED, "admin": None}  # any answer but a server error
            if name == "admin:login":  # the admin's own login form (rate-limited like ours)
                expected = dict.fromkeys(ADMIN_EXPECTED, 200) | {"admin": None}
        else:
            kwargs, query = arguments.get(name, ({}, ""))
            url = reverse(name, kwargs=kwargs) + query
            method, *codes = MATRIX[name].split()
            expected = dict(zip(ROLES, map(int, codes), strict=True))
        for role in ROLES:
            client.logout()
            if role != "anon":
                client.force_login(users[role])
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
            checked += 1
            status = response.status_code
            if expected[role] is None:
                if status >= 500:
                    mismatches.append((name, role, status, "< 500"))
            elif status != expected[role]:
                mismatches.append((name, role, status, expected[role]))
            elif role == "anon" and status == 302 and name not in {"set_language", "accounts:logout", "admin:logout"}:
                login = "/admin/login/" if name.startswith("admin:") else "/accounts/login/"
                if not response.url.startswith(login):
                    mismatches.append((name, role, response.url, login))
            if name not in TOKEN_URLS and not response.streaming:
                body = response.content.decode(errors="replace")
                leaks += [(name, role, text) for text in forbidden_text(role) if text in body]
    assert not mismatches, mismatches
    assert not leaks, leaks
    assert checked >= 7 * 60, checked
    print(f"permission matrix: {checked} requests, {len(entries)} URLs x {len(ROLES)} roles")
