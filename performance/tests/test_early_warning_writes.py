"""The morning run writes only what changed: nothing at all when no warning changed, and a
fixed number of statements however many clients it flags or clears."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests.factories import ClientFactory
from performance import warnings
from performance.models import ClientWarning

from .factories import complaint

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ClientWarning._meta.db_table in q["sql"]
    ]


def _overdue_clients(manager, count: int, today):
    return [
        ClientFactory(owner=manager, visit_frequency="monthly", last_visited_on=today - timedelta(days=70 + i % 5))
        for i in range(count)
    ]


def test_a_second_run_the_next_day_with_nothing_changed_writes_nothing(manager):
    now = timezone.now()
    today = timezone.localdate(now)
    overdue = _overdue_clients(manager, 2, today)
    complained = ClientFactory(owner=manager)
    complaint(complained, now - timedelta(days=2))
    complaint(complained, now - timedelta(days=20))
    first = warnings.evaluate(now)
    assert first["flagged"] == 3
    before = {w.pk: (w.params, w.last_seen_at) for w in ClientWarning.objects.all()}

    # A day later: the overdue clients are a day later still, the complaints unchanged.
    with CaptureQueriesContext(connection) as queries:
        second = warnings.evaluate(now + timedelta(days=1))
    assert second == {"flagged": 0, "still": 3, "cleared": 0, "notified": 0}
    assert _writes(queries) == []
    assert {w.pk: (w.params, w.last_seen_at) for w in ClientWarning.objects.all()} == before
    # The reason still tells today's delay, from the stored due date.
    warning = ClientWarning.objects.get(client=overdue[0])
    assert f"{(today - timedelta(days=39)):%Y-%m-%d}" in warning.reason


def _run_queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        warnings.evaluate(now)
    return len(queries.captured_queries)


def test_the_runs_statements_do_not_grow_with_the_number_of_clients(manager, teammate):
    now = timezone.now()
    today = timezone.localdate(now)
    # A few clients: flagged, then cleared (visited).
    few = _overdue_clients(manager, 3, today)
    flag_few = _run_queries(now)
    ClientWarning.objects.all().delete()
    # Many more (past the batch size of a bulk insert on SQLite).
    _overdue_clients(teammate, 160, today)
    flag_many = _run_queries(now)
    assert ClientWarning.objects.filter(active=True).count() == 163
    assert flag_many == flag_few
    # Clearing many costs the same as clearing few.
    from clients.models import Client

    Client.objects.filter(pk__in=[c.pk for c in few]).update(last_visited_on=today, next_visit_due=today)
    clear_few = _run_queries(now)
    Client.objects.update(last_visited_on=today, next_visit_due=today)
    clear_many = _run_queries(now)
    assert not ClientWarning.objects.filter(active=True).exists()
    assert clear_many == clear_few
