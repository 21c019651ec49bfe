"""The at-risk list and the scorecard pages: who sees what, and a bounded number of
queries whatever the number of clients or managers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from crm.queries import count_each
from performance import warnings
from performance.models import ClientWarning
from performance.selectors import flagged_clients, latest_warnings
from visits.rules import previous_month

from .factories import at, complaint, planned_visit, response

pytestmark = pytest.mark.django_db


def flag(client, rule="repeated_complaints", params=None):
    now = timezone.now()
    return ClientWarning.objects.create(
        client=client, rule=rule, params=params or {"count": 3, "window": 90}, first_flagged_at=now, last_seen_at=now
    )


@pytest.fixture
def flagged(manager, teammate, other_manager):
    return {
        "mine": flag(ClientFactory(owner=manager, name="Mine At Risk")),
        "teammate": flag(ClientFactory(owner=teammate, name="Teammate At Risk")),
        "other": flag(ClientFactory(owner=other_manager, name="Other Team At Risk")),
    }


def names(response):
    return {client.name for client in response.context["page"]}


def test_at_risk_list_is_scoped(client, flagged, manager, supervisor, other_supervisor, admin_user):
    url = reverse("performance:at_risk")
    expected = {
        manager: {"Mine At Risk"},
        supervisor: {"Mine At Risk", "Teammate At Risk"},
        other_supervisor: {"Other Team At Risk"},
        admin_user: {"Mine At Risk", "Teammate At Risk", "Other Team At Risk"},
    }
    for user, shown in expected.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert names(response) == shown, user
    client.force_login(manager)
    assert b"Teammate At Risk" not in client.get(url).content


def test_at_risk_filters_by_team_and_rule(client, flagged, admin_user, other_supervisor, supervisor):
    flag(flagged["mine"].client, rule="low_satisfaction", params={"date": "2024-01-01", "csat": 40, "threshold": 60})
    client.force_login(admin_user)
    url = reverse("performance:at_risk")
    assert names(client.get(url, {"team": other_supervisor.team_id})) == {"Other Team At Risk"}
    assert names(client.get(url, {"rule": "low_satisfaction"})) == {"Mine At Risk"}
    client.force_login(supervisor)
    assert client.get(url, {"team": other_supervisor.team_id}).status_code == 404


def test_at_risk_lists_the_latest_active_flag_first(client, manager):
    """Each client once, by its latest active flag (of the rule asked for); a cleared
    warning, however recent, does not count."""
    now = timezone.now()
    old, recent, cleared = (ClientFactory(owner=manager, name=name) for name in ("Old", "Recent", "Cleared"))
    for who, rule, days, active in [
        (old, "repeated_complaints", 9, True),
        (old, "low_satisfaction", 1, True),
        (recent, "repeated_complaints", 3, True),
        (cleared, "repeated_complaints", 5, True),
        (cleared, "low_satisfaction", 0, False),
    ]:
        since = now - timedelta(days=days)
        ClientWarning.objects.create(client=who, rule=rule, first_flagged_at=since, last_seen_at=now, active=active)
    client.force_login(manager)
    url = reverse("performance:at_risk")

    def listed(**query):
        page = client.get(url, query).context["page"]
        return [(row.name, (now - row.flagged_at).days) for row in page], page.paginator.count

    assert listed() == ([("Old", 1), ("Recent", 3), ("Cleared", 5)], 3)
    assert listed(rule="repeated_complaints") == ([("Recent", 3), ("Cleared", 5), ("Old", 9)], 3)
    assert listed(rule="low_satisfaction") == ([("Old", 1)], 1)


def test_cleared_warnings_are_not_listed(client, flagged, manager):
    ClientWarning.objects.filter(pk=flagged["mine"].pk).update(active=False)
    client.force_login(manager)
    assert names(client.get(reverse("performance:at_risk"))) == set()


def test_at_risk_list_query_count_does_not_grow(client, supervisor, manager, django_assert_max_num_queries):
    client.force_login(supervisor)
    url = reverse("performance:at_risk")
    for _ in range(3):
        flag(ClientFactory(owner=manager))
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(40):
        c = ClientFactory(owner=ManagerFactory(team=supervisor.team))
        flag(c)
        if i % 2:
            flag(c, rule="overdue_visit", params={"last": "2024-01-01", "due": "2024-02-01", "days_overdue": 40})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def test_home_at_risk_counts_clients_once_and_lists_the_latest(flagged, manager, supervisor, django_assert_num_queries):
    mine = ClientFactory(owner=manager, name="Mine Again")
    flag(mine)
    flag(mine, rule="overdue_visit", params={"last": "2024-01-01", "due": "2024-02-01", "days_overdue": 40})
    with django_assert_num_queries(3):  # both counts, the list, and the supervisor's team
        counts = count_each(mine=flagged_clients(manager), team=flagged_clients(supervisor))
        latest = latest_warnings(manager, limit=1)
    assert counts == {"mine": 2, "team": 3}  # two warnings on one client count once
    assert len(latest) == 1 and latest[0].client.name in {"Mine At Risk", "Mine Again"}
    assert {w.client.name for w in latest_warnings(supervisor)} == {"Mine At Risk", "Mine Again", "Teammate At Risk"}


def test_evaluated_warning_shows_its_reason(client, manager):
    now = timezone.now()
    c = ClientFactory(owner=manager, name="Complaining Co")
    complaint(c, now - timedelta(days=1))
    complaint(c, now - timedelta(days=2))
    warnings.evaluate(now)
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("performance:at_risk"), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Complaining Co" in response.content
    assert b"2 complaints in the last 90 days" in response.content


# --- scorecard --------------------------------------------------------------------------


def test_scorecard_rows_by_role(client, manager, teammate, supervisor, other_manager, admin_user):
    url = reverse("performance:scorecard")

    def shown(user, **query):
        client.force_login(user)
        response = client.get(url, query)
        assert response.status_code == 200
        return {card.manager for card in response.context["rows"]}

    assert shown(manager) == {manager}
    assert shown(supervisor) == {manager, teammate}
    assert shown(admin_user) == {manager, teammate, other_manager}
    assert shown(admin_user, team=other_manager.team_id) == {other_manager}


def test_scorecard_query_count_does_not_grow(client, supervisor, manager, django_assert_max_num_queries):
    month = previous_month(timezone.localdate())
    client.force_login(supervisor)
    url = reverse("performance:scorecard") + f"?month={month:%Y-%m}"
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for m in ManagerFactory.create_batch(8, team=supervisor.team):
        c = ClientFactory(owner=m)
        response(c, at(month + timedelta(days=3)), satisfied=4, ratings=5)
        planned_visit(c, month + timedelta(days=4), status="done")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["rows"]) == 9


def records_url(manager, figure="plan_completion", month=None):
    month = month or previous_month(timezone.localdate())
    return reverse("performance:scorecard_records", args=[manager.pk, figure]) + f"?month={month:%Y-%m}"


def test_records_list_what_the_figure_counts(client, manager, supervisor):
    month = previous_month(timezone.localdate())
    c = ClientFactory(owner=manager, name="Planned Co")
    planned_visit(c, month + timedelta(days=2), status="done")
    planned_visit(c, month + timedelta(days=3), status="cancelled")
    client.force_login(supervisor)
    response = client.get(records_url(manager))
    assert response.status_code == 200
    assert [v.status for v in response.context["page"]] == ["done"]
    assert b"Planned Co" in response.content


def test_every_figure_has_a_records_page(client, manager):
    client.force_login(manager)
    for figure in ("plan_completion", "coverage", "punctuality", "new_clients", "requests_on_time",
                   "complaints_on_time", "return_visits", "satisfaction"):  # fmt: skip
        assert client.get(records_url(manager, figure)).status_code == 200, figure
    assert client.get(records_url(manager, "bogus")).status_code == 404


def test_records_out_of_scope_are_404(client, manager, teammate, other_supervisor, other_manager, admin_user):
    client.force_login(manager)
    assert client.get(records_url(teammate)).status_code == 404  # a colleague
    client.force_login(other_supervisor)
    assert client.get(records_url(manager)).status_code == 404  # another team
    assert client.get(records_url(other_manager)).status_code == 200
    client.force_login(admin_user)
    assert client.get(records_url(manager)).status_code == 200


def test_records_query_count_does_not_grow(client, manager, supervisor, django_assert_max_num_queries):
    month = previous_month(timezone.localdate())
    client.force_login(supervisor)
    url = records_url(manager, "satisfaction")
    response(ClientFactory(owner=manager), at(month + timedelta(days=1)), satisfied=1, ratings=5)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for day in range(2, 28):
        response(ClientFactory(owner=manager), at(month + timedelta(days=day)), satisfied=3, ratings=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["page"].paginator.count == 27
