"""Dashboard figures are kept for a few minutes per viewer: served again without the
aggregate queries, refreshed on demand, never shared between viewers or scopes."""

import pickle
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from clients.tests.factories import ClientFactory
from complaints.models import Category, Complaint
from rollups.services import rebuild_month
from visits.models import VisitLog
from visits.tests.factories import VisitLogFactory

BOARDS = ["dashboards:visits", "dashboards:complaints", "dashboards:satisfaction", "dashboards:business"]


@pytest.fixture(autouse=True)
def cached(settings):
    """The cache on, a key prefix of this test's own (ids are reused on SQLite, and Redis is
    not cleared between tests), and noon: the day is part of the key."""
    settings.CRM_DASHBOARD_CACHE_SECONDS = 300
    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def unplanned_visit(owner, client):
    return VisitLogFactory(
        owner=owner, client=client, date=timezone.localdate(), method="on_site", work_done="Visited",
        submission=uuid.uuid4().hex, is_temporary=True,
    )  # fmt: skip


def unplanned(page, owner) -> int:
    """The manager's unplanned visits this month, as the board shows them."""
    return next(row.temporary for row in page.context["board"].rows if row.owner_id == owner.pk)


@pytest.mark.parametrize("url", BOARDS)
def test_a_second_look_makes_no_aggregate_query(client, url, supervisor, manager, django_assert_max_num_queries):
    ClientFactory(owner=manager)
    client.force_login(supervisor)
    first = client.get(reverse(url))
    assert first.status_code == 200
    # session, user, teams, the inbox count: the figures come from the cache
    with django_assert_max_num_queries(6):
        again = client.get(reverse(url))
    assert again.context["as_of"] == first.context["as_of"]
    assert 'data-testid="figures-as-of"' in again.content.decode()


def test_refresh_computes_again_and_time_does_too(client, supervisor, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    unplanned_visit(manager, acme)
    assert unplanned(client.get(url), manager) == 1
    unplanned_visit(manager, acme)
    assert unplanned(client.get(url), manager) == 1  # kept: the page says how old its figures are
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        refreshed = client.get(url, {"refresh": "1"})
        assert unplanned(refreshed, manager) == 2
        VisitLog.objects.filter(owner=manager).update(is_temporary=False)
        # A bulk update bypasses the write paths: the rollups see it once rebuilt (nightly).
        rebuild_month(timezone.localdate())
        assert unplanned(client.get(url), manager) == 2  # the refreshed figures were kept
    with time_machine.travel(timezone.now() + timedelta(minutes=6, seconds=2)):
        assert unplanned(client.get(url), manager) == 0  # five minutes later they are computed again


def test_refresh_serves_figures_younger_than_a_minute(client, settings, supervisor, manager):
    """Clicking Refresh again and again does not recompute the month each time."""
    acme = ClientFactory(owner=manager)
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    first = client.get(url, {"refresh": "1"})
    unplanned_visit(manager, acme)
    again = client.get(url, {"refresh": "1"})
    assert unplanned(again, manager) == 0 and again.context["as_of"] == first.context["as_of"]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert unplanned(client.get(url, {"refresh": "1"}), manager) == 1
    settings.CRM_DASHBOARD_REFRESH_SECONDS = 0
    unplanned_visit(manager, acme)
    assert unplanned(client.get(url, {"refresh": "1"}), manager) == 2


def test_viewers_never_share_figures(client, supervisor, manager, other_supervisor, other_manager, admin_user):
    """Same board, same month: each viewer gets the figures of their own scope."""
    ClientFactory(owner=manager, name="Team A Co")
    ClientFactory(owner=other_manager, name="Team B Co")
    url = reverse("dashboards:visits")
    seen = {}
    for viewer in (supervisor, other_supervisor, manager, admin_user, supervisor):
        client.force_login(viewer)
        seen.setdefault(viewer.pk, []).append({row.owner_id for row in client.get(url).context["board"].rows})
    assert seen[supervisor.pk][0] == seen[supervisor.pk][1] == {manager.pk}
    assert seen[other_supervisor.pk] == [{other_manager.pk}]
    assert seen[manager.pk] == [{manager.pk}]
    assert {manager.pk, other_manager.pk} <= seen[admin_user.pk][0]


def test_a_change_of_scope_is_a_new_key(client, supervisor, manager, other_supervisor, other_manager):
    """A supervisor relieved of a second team stops seeing its figures at once."""
    ClientFactory(owner=manager)
    ClientFactory(owner=other_manager)
    second = other_manager.team
    second.supervisor = supervisor
    second.save()
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    assert {row.owner_id for row in client.get(url).context["board"].rows} == {manager.pk, other_manager.pk}
    second.supervisor = other_supervisor
    second.save()
    assert {row.owner_id for row in client.get(url).context["board"].rows} == {manager.pk}


def test_exports_are_computed_not_served_from_the_cache(client, supervisor, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    assert unplanned(client.get(url), manager) == 0
    unplanned_visit(manager, acme)
    rows = client.get(url, {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    assert rows[1].split(",")[7] == "1"  # the manager's unplanned visits


def test_a_managers_own_board_is_always_fresh(client, manager):
    """A manager's board covers their own work: the visit just logged shows at once."""
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    url = reverse("dashboards:visits")
    assert unplanned(client.get(url), manager) == 0
    unplanned_visit(manager, acme)
    page = client.get(url)
    assert unplanned(page, manager) == 1
    assert page.context["as_of"] is not None


def test_the_page_speaks_the_readers_language(client, supervisor, manager):
    """Figures come from the cache; the words around them are always the reader's language."""
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    with override("en"):
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "数据截至" in chinese.content.decode() and "刷新" in chinese.content.decode()
    assert "Figures as of" in english.content.decode()


def test_turned_off_every_look_is_fresh(client, settings, supervisor, manager):
    settings.CRM_DASHBOARD_CACHE_SECONDS = 0
    acme = ClientFactory(owner=manager)
    client.force_login(supervisor)
    url = reverse("dashboards:visits")
    first = client.get(url)
    unplanned_visit(manager, acme)
    assert unplanned(client.get(url), manager) == unplanned(first, manager) + 1


def test_what_is_kept_holds_no_password_hash(client, supervisor, manager):
    """The escalated complaints are kept with only the fields the board shows."""
    category = Category.objects.filter(parent__isnull=False).first()
    now = timezone.now()
    Complaint.objects.create(
        number="TS-2026-000777", client=ClientFactory(owner=manager, name="Escalated Co"), channel="phone",
        category=category, severity="normal", description="x", owner=manager, team=manager.team,
        created_by=manager, received_at=now, first_response_due=now, resolution_due=now, level=1,
    )  # fmt: skip
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:complaints"))
    escalated = page.content.decode()
    assert "TS-2026-000777" in escalated and "Escalated Co" in escalated and str(manager) in escalated
    kept = pickle.dumps(page.context["board"])
    assert manager.password.encode() not in kept
