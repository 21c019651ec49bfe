"""Retention visits (离网必访): a client with an active early warning is visited within
CRM_RETENTION_VISIT_DAYS days of being flagged; the visit records the offer and outcome."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from performance.models import ClientWarning
from performance.selectors import retention_counts, retention_due, waiting_for_retention
from visits import services
from visits.models import VisitLog
from visits.rules import month_start

from .factories import visit_log

SHANGHAI = ZoneInfo("Asia/Shanghai")
FLAGGED = datetime(2026, 11, 10, 9, 30, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


def flag(client, *, at=FLAGGED, rule="repeated_complaints", active=True):
    return ClientWarning.objects.create(
        client=client, rule=rule, params={"count": 3, "window": 90}, first_flagged_at=at, last_seen_at=at, active=active
    )


def test_due_seven_days_after_the_first_active_warning(manager, settings):
    settings.CRM_RETENTION_VISIT_DAYS = 7
    mine = ClientFactory(owner=manager, name="Leaving")
    flag(mine)
    flag(mine, rule="satisfaction_drop", at=datetime(2026, 11, 12, 9, tzinfo=SHANGHAI))
    flag(ClientFactory(owner=manager, name="Cleared"), active=False)
    [row] = retention_due(manager, today=date(2026, 11, 17))
    assert (row.client, row.due, row.overdue) == (mine, date(2026, 11, 17), False)
    [row] = retention_due(manager, today=date(2026, 11, 18))
    assert row.overdue
    settings.CRM_RETENTION_VISIT_DAYS = 3
    assert retention_due(manager, today=date(2026, 11, 14))[0].due == date(2026, 11, 13)


def test_a_visit_on_or_after_the_flag_day_is_the_retention_visit(manager):
    mine = ClientFactory(owner=manager)
    flag(mine)
    visit_log(mine, date(2026, 11, 9))  # before the flag: does not count
    assert len(retention_due(manager, today=date(2026, 11, 20))) == 1
    visit_log(mine, date(2026, 11, 10))
    assert retention_due(manager, today=date(2026, 11, 20)) == []


def test_scope_and_one_query(manager, teammate, supervisor, other_manager, admin_user, django_assert_num_queries):
    mine, theirs = ClientFactory(owner=manager), ClientFactory(owner=other_manager)
    flag(mine), flag(theirs), flag(ClientFactory(owner=teammate))
    assert [r.client for r in retention_due(manager, today=date(2026, 11, 20))] == [mine]
    assert [r.client for r in retention_due(other_manager, today=date(2026, 11, 20))] == [theirs]
    assert len(retention_due(supervisor, today=date(2026, 11, 20))) == 2
    for i in range(5):
        flag(ClientFactory(owner=manager, name=f"More {i}"))
    with django_assert_num_queries(1):
        assert len(retention_due(admin_user, today=date(2026, 11, 20))) == 8


def test_home_partial_and_dashboard_card(client, manager, supervisor):
    mine = ClientFactory(owner=manager, name="Leaving Ltd")
    flag(mine)
    rows = retention_due(manager, today=date(2026, 11, 20))
    html = render_to_string("performance/_home_retention.html", {"retention_overdue": rows})
    assert "Leaving Ltd" in html and "2026-11-17" in html and f"?client={mine.pk}" in html
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:visits")).content.decode()
    assert 'data-testid="retention-overdue">1<' in page and 'data-testid="retention-waiting">1<' in page


def test_the_visit_log_form_records_the_offer_and_outcome(client, manager, supervisor):
    flagged, calm = ClientFactory(owner=manager), ClientFactory(owner=manager)
    plan = services.start_plan(owner=manager, month=month_start(timezone.localdate()), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    flag(flagged)
    client.force_login(manager)
    assert "retention_offer" not in client.get(f"{reverse('visits:log')}?client={calm.pk}").context["form"].fields
    url = f"{reverse('visits:log')}?client={flagged.pk}"
    form = client.get(url).context["form"]
    assert {"retention_offer", "retention_outcome"} <= set(form.fields)
    data = {"submission": "r1", "date": timezone.localdate(), "method": "on_site", "work_done": "Retention visit"}
    bad = client.post(url, {**data, "retention_outcome": "maybe"})
    assert bad.status_code == 200 and "retention_outcome" in bad.context["form"].errors
    assert not VisitLog.objects.exists()
    response = client.post(url, {**data, "retention_offer": "10% off for a year", "retention_outcome": "kept"})
    assert response.status_code == 302
    log = VisitLog.objects.get(submission="r1")
    assert (log.retention_offer, log.retention_outcome) == ("10% off for a year", "kept")


def test_the_first_active_warning_counts_and_moves_when_it_is_cleared(manager, supervisor):
    mine = ClientFactory(owner=manager)
    first = flag(mine)  # 2026-11-10
    flag(mine, rule="low_satisfaction", at=datetime(2026, 11, 14, 9, tzinfo=SHANGHAI))
    assert retention_counts(supervisor, today=date(2026, 11, 18)) == (1, 1)
    [row] = retention_due(manager, today=date(2026, 11, 18))
    assert (row.flagged_at, row.due, row.overdue) == (FLAGGED, date(2026, 11, 17), True)
    ClientWarning.objects.filter(pk=first.pk).update(active=False)
    [row] = retention_due(manager, today=date(2026, 11, 18))
    assert (row.due, row.overdue) == (date(2026, 11, 21), False)
    assert retention_counts(supervisor, today=date(2026, 11, 18)) == (1, 0)
    visit_log(mine, date(2026, 11, 14))  # the day of the remaining flag: visited
    assert retention_counts(supervisor, today=date(2026, 11, 18)) == (0, 0)
    assert retention_due(manager, today=date(2026, 11, 18)) == []


def test_overdue_from_the_local_day_of_the_flag(manager, supervisor, settings):
    """Flagged at 00:30 in Shanghai (16:30 the day before in UTC): due seven local days later."""
    settings.CRM_RETENTION_VISIT_DAYS = 7
    flag(ClientFactory(owner=manager), at=datetime(2026, 11, 10, 0, 30, tzinfo=SHANGHAI))
    for today, overdue in [(date(2026, 11, 17), 0), (date(2026, 11, 18), 1)]:
        assert retention_counts(supervisor, today=today) == (1, overdue)
        assert waiting_for_retention(manager, today=today, overdue_only=True).count() == overdue
        assert [row.overdue for row in retention_due(manager, today=today)] == [bool(overdue)]


def test_counted_from_the_clients_alone(supervisor, admin_user):
    """The count reads the clients' own first flag, not their warnings grouped by client
    (110–140 ms at 100,000 clients, issue #31)."""
    with CaptureQueriesContext(connection) as queries:
        retention_counts(admin_user, today=date(2026, 11, 18))
        retention_counts(supervisor, today=date(2026, 11, 18))
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == 2  # (and the supervisor's teams)
    assert not any(ClientWarning._meta.db_table in sql for sql in counts)
