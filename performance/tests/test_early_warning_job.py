"""The morning job: flags, clears, re-flags, notifies each owner once, and what the
monthly plan then proposes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from clients.tests.factories import ClientFactory
from notifications.jobs import JOBS, run_job
from notifications.models import Notification
from performance import warnings
from performance.models import ClientWarning, WarningRule
from visits import services as visit_services
from visits.models import PlanLine, ServiceStrategy
from visits.rules import next_month

from .factories import complaint

pytestmark = pytest.mark.django_db


def test_job_is_registered_and_scheduled(settings):
    assert "performance.early_warning" in JOBS
    entry = settings.CELERY_BEAT_SCHEDULE["performance-early-warning"]
    assert entry["args"] == ["performance.early_warning"]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {50})


def test_flags_notifies_once_and_a_second_run_sends_nothing(manager, teammate):
    now = timezone.now()
    flagged = ClientFactory(owner=manager, name="Leaving Co")
    calm = ClientFactory(owner=teammate)
    complaint(flagged, now - timedelta(days=2))
    complaint(flagged, now - timedelta(days=20))
    complaint(calm, now - timedelta(days=2))

    first = run_job("performance.early_warning", now=now).counts
    assert first == {"flagged": 1, "still": 0, "cleared": 0, "notified": 1}
    warning = ClientWarning.objects.get()
    assert (warning.client, warning.rule, warning.active) == (flagged, "repeated_complaints", True)
    assert warning.params == {"count": 2, "window": 90}
    note = Notification.objects.get(kind="performance.at_risk")
    assert note.recipient == manager
    assert note.key == f"{flagged.pk}:repeated_complaints:{timezone.localdate(now):%Y-%m-%d}"
    assert "Leaving Co" in note.message

    complaint(flagged, now - timedelta(days=1))
    second = run_job("performance.early_warning", now=now + timedelta(hours=1)).counts
    assert second == {"flagged": 0, "still": 1, "cleared": 0, "notified": 0}
    assert Notification.objects.filter(kind="performance.at_risk").count() == 1
    # Still flagged: the same warning, with today's figures and seen again, first flag kept.
    again = ClientWarning.objects.get()
    assert (again.pk, again.first_flagged_at) == (warning.pk, warning.first_flagged_at)
    assert again.params == {"count": 3, "window": 90} and again.last_seen_at == now + timedelta(hours=1)
    assert ClientWarning.objects.get().first_flagged_at == warning.first_flagged_at


def test_cleared_when_no_longer_matched_and_flagged_again_later(manager):
    now = timezone.now()
    client = ClientFactory(owner=manager)
    complaint(client, now - timedelta(days=2))
    complaint(client, now - timedelta(days=80))
    warnings.evaluate(now)
    # Fifteen days later the older complaint is out of the 90-day window.
    later = now + timedelta(days=15)
    assert warnings.evaluate(later) == {"flagged": 0, "still": 0, "cleared": 1, "notified": 0}
    warning = ClientWarning.objects.get()
    assert not warning.active and warning.cleared_at == later
    # A new complaint: flagged again, announced again (a new key, from the new date).
    complaint(client, later - timedelta(hours=1))
    again = later + timedelta(days=1)
    assert warnings.evaluate(again)["notified"] == 1
    warning.refresh_from_db()
    assert warning.active and warning.cleared_at is None and warning.first_flagged_at == again
    assert Notification.objects.filter(kind="performance.at_risk").count() == 2


def test_a_disabled_rule_clears_its_warnings(manager):
    now = timezone.now()
    client = ClientFactory(owner=manager)
    complaint(client, now - timedelta(days=2))
    complaint(client, now - timedelta(days=3))
    warnings.evaluate(now)
    WarningRule.objects.filter(code="repeated_complaints").update(enabled=False)
    assert warnings.evaluate(now)["cleared"] == 1
    assert not ClientWarning.objects.filter(active=True).exists()


def test_flagged_client_gets_a_retention_strategy_and_is_key_in_next_months_plan(manager):
    now = timezone.now()
    flagged = ClientFactory(owner=manager)
    other = ClientFactory(owner=manager)
    complaint(flagged, now - timedelta(days=2))
    complaint(flagged, now - timedelta(days=5))
    warnings.evaluate(now)
    month = next_month(timezone.localdate())
    with translation.override("en"):
        plan = visit_services.start_plan(owner=manager, month=month, by=manager)
    strategy = ServiceStrategy.objects.get(client=flagged, month=month, source="retention-repeated_complaints")
    assert strategy.text == "Retention: visit and agree an offer — 2 complaints in the last 90 days"
    assert not ServiceStrategy.objects.filter(client=other, source__startswith="retention-").exists()
    line = PlanLine.objects.get(plan=plan, client=flagged)
    assert line.is_key and "2 complaints in the last 90 days" in line.key_reasons
    assert not PlanLine.objects.get(plan=plan, client=other).is_key


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's (run by .ci/run)")
def test_the_run_leaves_the_warnings_table_vacuumed(manager):
    """The run rewrites every still-matched warning; it then vacuums the table, so the
    morning's pages do not read through dead row versions."""
    flagged = ClientFactory(owner=manager)
    now = timezone.now()
    for days in (2, 20):
        complaint(flagged, now - timedelta(days=days))
    run_job("performance.early_warning", now=now)
    vacuums = _vacuum_count()
    with CaptureQueriesContext(connection) as queries:
        counts = run_job("performance.early_warning", now=now + timedelta(hours=1)).counts
    assert counts["still"] == 1
    assert any(q["sql"].startswith('VACUUM (ANALYZE) "performance_clientwarning"') for q in queries.captured_queries)
    assert _vacuum_count() == vacuums + 1


def _vacuum_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'performance_clientwarning'")
        return cursor.fetchone()[0]
