"""The morning run's comparison of today's matches with the active warnings (made by the
database on PostgreSQL, here on SQLite): new, flagged again, changed, cleared and unchanged
warnings in one run, an unchanged warning not rewritten, and each client's latest and first
flags (``Client.latest_flagged_at``, the at-risk list's order; ``Client.earliest_flagged_at``,
the retention visits) kept by every write of warnings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from notifications.models import Notification
from performance import services, warnings
from performance.models import MANUAL, ClientWarning

from .factories import complaint

pytestmark = pytest.mark.django_db


def _versions() -> dict[int, str]:
    """Each warning's row version on PostgreSQL (``xmin`` moves whenever a row is rewritten,
    even with the same values); elsewhere its stored values."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, xmin::text FROM {ClientWarning._meta.db_table}")  # noqa: S608
            return dict(cursor.fetchall())
    return {
        pk: repr(row)
        for pk, *row in ClientWarning.objects.values_list(
            "pk", "params", "active", "first_flagged_at", "last_seen_at", "cleared_at"
        )
    }


def _latest(*clients, column="latest_flagged_at") -> list:
    flags = dict(Client.objects.filter(pk__in=[c.pk for c in clients]).values_list("pk", column))
    return [flags[c.pk] for c in clients]


def _first(*clients) -> list:
    return _latest(*clients, column="earliest_flagged_at")


def test_new_again_changed_cleared_and_unchanged_in_one_run(manager, teammate):
    t0 = timezone.now()
    same, more, leaving, again = (
        ClientFactory(owner=manager, name=name) for name in ("Same", "More", "Leaving", "Again")
    )
    for who in (same, more):
        complaint(who, t0 - timedelta(days=2))
        complaint(who, t0 - timedelta(days=3))
    complaint(leaving, t0 - timedelta(days=2))
    complaint(leaving, t0 - timedelta(days=79, hours=12))  # out of the 90 days at t2
    complaint(again, t0 - timedelta(days=2))
    complaint(again, t0 - timedelta(days=86))  # out of the 90 days at t1
    marked = ClientFactory(owner=teammate, name="Marked")
    mark = services.mark_tending_to_leave(marked, by=teammate, reason="Talks to a competitor")
    assert warnings.evaluate(t0) == {"flagged": 4, "still": 0, "cleared": 0, "notified": 4}

    t1 = t0 + timedelta(days=10)
    assert warnings.evaluate(t1) == {"flagged": 0, "still": 3, "cleared": 1, "notified": 0}
    assert _latest(same, again, marked) == [t0, None, mark.first_flagged_at]
    assert _first(same, again, marked) == [t0, None, mark.first_flagged_at]

    # The next day: a new client, one flagged again, one with a third complaint, one whose
    # older complaint left the window, one as it was, and the mark by hand.
    new = ClientFactory(owner=teammate, name="New")
    complaint(new, t1 - timedelta(days=1))
    complaint(new, t1 - timedelta(days=2))
    complaint(again, t1 - timedelta(hours=1))
    complaint(more, t1 - timedelta(hours=1))
    before = _versions()
    t2 = t1 + timedelta(days=1)
    assert warnings.evaluate(t2) == {"flagged": 2, "still": 2, "cleared": 1, "notified": 2}

    rows = {(w.client_id, w.rule): w for w in ClientWarning.objects.all()}
    complaints = "repeated_complaints"
    assert len(rows) == 6
    fresh = rows[(new.pk, complaints)]
    assert (fresh.active, fresh.params, fresh.first_flagged_at, fresh.last_seen_at) == (
        True, {"count": 2, "window": 90}, t2, t2
    )  # fmt: skip
    flagged_again = rows[(again.pk, complaints)]
    assert (flagged_again.active, flagged_again.first_flagged_at, flagged_again.cleared_at) == (True, t2, None)
    assert flagged_again.params == {"count": 2, "window": 90}
    changed = rows[(more.pk, complaints)]
    assert (changed.params, changed.first_flagged_at, changed.last_seen_at) == ({"count": 3, "window": 90}, t0, t2)
    cleared = rows[(leaving.pk, complaints)]
    assert (cleared.active, cleared.cleared_at, cleared.params) == (False, t2, {"count": 2, "window": 90})
    # Unchanged: neither the rule's warning still matched nor the mark by hand was rewritten.
    after = _versions()
    unchanged = rows[(same.pk, complaints)]
    assert after[unchanged.pk] == before[unchanged.pk]
    assert (unchanged.first_flagged_at, unchanged.last_seen_at) == (t0, t0)
    assert after[rows[(marked.pk, MANUAL)].pk] == before[rows[(marked.pk, MANUAL)].pk]
    assert rows[(marked.pk, MANUAL)].active
    # Announced once each, to their owners, with the day of the run.
    notes = Notification.objects.filter(
        kind=warnings.NOTIFICATION_KIND, key__endswith=f"{timezone.localdate(t2):%Y-%m-%d}"
    )
    assert sorted((n.recipient_id, n.key.split(":")[0]) for n in notes) == sorted(
        [(manager.pk, str(again.pk)), (teammate.pk, str(new.pk))]
    )
    # The clients' latest flag moved with the new and cleared flags only.
    assert _latest(new, again, more, leaving, same, marked) == [t2, t2, t0, None, t0, mark.first_flagged_at]
    assert _first(new, again, more, leaving, same, marked) == [t2, t2, t0, None, t0, mark.first_flagged_at]
    # Nothing more the same day.
    assert warnings.evaluate(t2 + timedelta(hours=1)) == {"flagged": 0, "still": 4, "cleared": 0, "notified": 0}


def test_the_latest_and_first_flags_follow_every_write_of_warnings(manager):
    now = timezone.now()
    client = ClientFactory(owner=manager)
    stale = Client.objects.get(pk=client.pk)  # loaded before any flag
    earlier, later = now - timedelta(days=5), now - timedelta(days=1)
    first = ClientWarning.objects.create(client=client, rule="repeated_complaints", first_flagged_at=earlier,
                                         last_seen_at=now)  # fmt: skip
    assert _latest(client) == _first(client) == [earlier]
    second = ClientWarning.objects.create(client=client, rule="low_satisfaction", first_flagged_at=later,
                                          last_seen_at=now)  # fmt: skip
    assert (_latest(client), _first(client)) == ([later], [earlier])
    # A save of the client loaded before the flags leaves them alone.
    stale.notes = "Called"
    stale.save()
    assert (_latest(client), _first(client)) == ([later], [earlier])
    assert Client.objects.get(pk=client.pk).notes == "Called"
    with pytest.raises(TypeError):  # positional arguments would pass round that guard: refused
        stale.save(False, False, None, None)
    assert (_latest(client), _first(client)) == ([later], [earlier])
    ClientWarning.objects.filter(pk=second.pk).update(active=False)
    assert _latest(client) == _first(client) == [earlier]
    first.delete()
    assert _latest(client) == _first(client) == [None]
    ClientWarning.objects.filter(pk=second.pk).update(active=True)
    assert _latest(client) == _first(client) == [later]
    ClientWarning.objects.all().delete()
    assert _latest(client) == _first(client) == [None]
    warning = services.mark_tending_to_leave(client, by=manager, reason="Unhappy")
    assert _latest(client) == _first(client) == [warning.first_flagged_at]
    services.clear_mark(client, by=manager)
    assert _latest(client) == _first(client) == [None]


def test_at_risk_list_by_latest_flag_then_name_and_only_active(client, manager, admin_user):
    now = timezone.now()
    morning = now - timedelta(days=1)
    for name, rule, when, active in [
        ("Bravo", "repeated_complaints", morning, True),
        ("Alpha", "repeated_complaints", morning, True),
        ("Charlie", "low_satisfaction", now, True),
        ("Delta", "repeated_complaints", now, False),
        ("Alpha", "overdue_visit", now - timedelta(days=9), True),
    ]:
        who = Client.objects.filter(name=name).first() or ClientFactory(owner=manager, name=name)
        ClientWarning.objects.create(client=who, rule=rule, first_flagged_at=when, last_seen_at=now, active=active)
    client.force_login(admin_user)
    page = client.get(reverse("performance:at_risk")).context["page"]
    assert [(c.name, c.flagged_at) for c in page] == [("Charlie", now), ("Alpha", morning), ("Bravo", morning)]
    assert page.paginator.count == 3
