"""What a phone keeps for a day without signal (issue #30 item 2): today's own sheet lists
the week's client files and today's log forms for the service worker; nothing of another
manager, nothing on another day's or another person's sheet; a logout clears the phone."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import selectors
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory


def test_the_day_keeps_the_weeks_client_files_and_todays_forms(manager, teammate):
    today = timezone.localdate()
    monday = selectors.monday_of(today)
    here = PlannedVisitFactory(client=ClientFactory(owner=manager), date=today)
    later = PlannedVisitFactory(client=ClientFactory(owner=manager), date=monday + timedelta(days=6))
    next_week = PlannedVisitFactory(client=ClientFactory(owner=manager), date=monday + timedelta(days=7))
    cancelled = PlannedVisitFactory(
        client=ClientFactory(owner=manager), date=today, status=PlannedVisit.Status.CANCELLED
    )
    theirs = PlannedVisitFactory(client=ClientFactory(owner=teammate), date=today)
    pages = selectors.offline_pages(manager, today)
    assert pages[:3] == [reverse("visits:sheet"), reverse("visits:week"), reverse("visits:outbox")]
    assert reverse("clients:detail", args=[here.client_id]) in pages
    assert reverse("clients:detail", args=[later.client_id]) in pages
    assert f"{reverse('visits:log')}?visit={here.pk}" in pages
    assert reverse("interactions:log", args=[here.client_id]) in pages
    assert f"{reverse('visits:log')}?visit={later.pk}" not in pages  # a form for today only
    for other in (next_week, cancelled, theirs):
        assert reverse("clients:detail", args=[other.client_id]) not in pages


def test_only_todays_own_sheet_asks_the_phone_to_keep(client, manager, supervisor):
    PlannedVisitFactory(client=ClientFactory(owner=manager))
    client.force_login(manager)
    assert "data-keep=" in client.get(reverse("visits:sheet")).content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    assert "data-keep=" not in client.get(f"{reverse('visits:sheet')}?day={yesterday:%Y-%m-%d}").content.decode()
    client.force_login(supervisor)
    assert "data-keep=" not in client.get(f"{reverse('visits:sheet')}?owner={manager.pk}").content.decode()


def test_a_logout_tells_the_browser_to_clear_what_it_kept(client, manager):
    client.force_login(manager)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
