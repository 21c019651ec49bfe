"""Regressions found in review: hand-overs, hostile input, re-runs, proposals and locks."""

from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import services as client_services
from clients.tests.factories import ClientFactory, default_tier
from tests import clock
from visits import rules, services
from visits.models import CalendarFeed, PlannedVisit, ServiceStrategy
from visits.tests.factories import PlannedVisitFactory, ServiceStrategyFactory
from workdays.selectors import working_days

NEXT = rules.next_month(clock.TODAY)  # the pinned day (conftest.py), known at import


def approved_plan(manager, supervisor, month=NEXT):
    plan = services.start_plan(owner=manager, month=month, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return plan


def test_reassigned_client_takes_its_upcoming_visits_along(client, manager, teammate, supervisor):
    acme = ClientFactory(owner=manager, name="Handed Over Ltd")
    approved_plan(manager, supervisor)
    services.generate_visits(owner=manager, start=NEXT, end=rules.month_end(NEXT), by=manager)
    assert PlannedVisit.objects.filter(client=acme, owner=manager).exists()
    client_services.reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Area change")
    assert not PlannedVisit.objects.filter(client=acme, owner=manager).exists()
    assert PlannedVisit.objects.filter(client=acme, owner=teammate).exists()
    feed = CalendarFeed.objects.create(owner=manager)
    events = icalendar.Calendar.from_ical(client.get(reverse("visits:feed", args=[feed.token])).content)
    assert not list(events.walk("VEVENT"))
    client.force_login(manager)
    response = client.get(reverse("visits:calendar"), {"month": f"{NEXT:%Y-%m}"})
    assert "Handed Over Ltd" not in response.content.decode()


def test_approval_does_not_touch_clients_given_away_after_submission(manager, teammate, supervisor):
    acme = ClientFactory(owner=manager, tier=default_tier("basic"))
    plan = services.start_plan(owner=manager, month=NEXT, by=manager)
    services.update_plan(plan, by=manager, key_client_ids={acme.pk})
    services.submit_plan(plan, by=manager)
    client_services.reassign_owner(client=acme, new_owner=teammate, by=supervisor, reason="Area change")
    services.approve_plan(plan, by=supervisor)
    acme.refresh_from_db()
    assert acme.visit_frequency == ""


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("visits:calendar", {"month": "9999-12"}),
        ("visits:calendar", {"month": "0001-01"}),
        ("visits:calendar", {"month": "garbage"}),
        ("visits:calendar_week", {"day": "9999-12-31"}),
        ("visits:calendar_week", {"day": "0001-01-01"}),
        ("visits:schedule", {"month": "9999-12"}),
    ],
)
def test_extreme_dates_fall_back_to_today(client, manager, name, params):
    client.force_login(manager)
    assert client.get(reverse(name), params).status_code == 200


def test_hostile_ids_are_404_not_500(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    url = reverse("visits:strategies", args=[acme.pk])
    assert client.post(url, {"action": "done", "strategy": "abc"}).status_code == 404
    assert client.get(reverse("visits:calendar"), {"owner": "²"}).status_code == 404


def test_generation_range_is_capped(client, manager, supervisor):
    ClientFactory(owner=manager)
    approved_plan(manager, supervisor)
    with pytest.raises(ValidationError):
        services.generate_visits(owner=manager, start=NEXT, end=NEXT + timedelta(days=400), by=manager)
    client.force_login(manager)
    response = client.post(
        reverse("visits:schedule_generate"), {"start": "2025-01-01", "end": "9999-12-31"}, follow=True
    )
    assert response.status_code == 200 and "three months" in response.content.decode()


def test_mid_month_rerun_adds_nothing(manager, supervisor):
    ClientFactory.create_batch(8, owner=manager)
    approved_plan(manager, supervisor)
    days = working_days(NEXT, rules.month_end(NEXT))
    first = services.generate_visits(owner=manager, start=NEXT, end=rules.month_end(NEXT), by=manager)
    assert first > 0
    assert services.generate_visits(owner=manager, start=days[12], end=rules.month_end(NEXT), by=manager) == 0


def test_mid_month_start_does_not_fill_past_windows(manager, supervisor):
    ClientFactory.create_batch(4, owner=manager, tier=default_tier("basic"))
    approved_plan(manager, supervisor)
    days = working_days(NEXT, rules.month_end(NEXT))
    services.generate_visits(owner=manager, start=days[10], end=rules.month_end(NEXT), by=manager)
    assert not PlannedVisit.objects.filter(date__lt=days[10]).exists()


def test_cancelled_visit_day_is_not_reused_and_count_is_exact(manager, supervisor):
    acme = ClientFactory(owner=manager, tier=default_tier("basic"))
    approved_plan(manager, supervisor)
    days = working_days(NEXT, rules.month_end(NEXT))
    for day in days:  # every day cancelled but the last
        if day != days[-1]:
            PlannedVisitFactory(owner=manager, client=acme, date=day, method="on_site", status="cancelled")
    created = services.generate_visits(owner=manager, start=NEXT, end=rules.month_end(NEXT), by=manager)
    live = PlannedVisit.objects.filter(client=acme).exclude(status="cancelled")
    assert created == live.count() >= 1
    assert all(v.date == days[-1] for v in live)


def test_dismissed_proposal_is_not_proposed_again(client, manager):
    acme = ClientFactory(owner=manager, status="prospect")
    plan = services.start_plan(owner=manager, month=NEXT, by=manager)
    proposal = ServiceStrategy.objects.get(client=acme, source="prospect")
    client.force_login(manager)
    url = reverse("visits:strategies", args=[acme.pk])
    client.post(url, {"action": "delete", "strategy": proposal.pk, "month": f"{NEXT:%Y-%m}"})
    services.refresh_plan(plan)
    assert ServiceStrategy.objects.filter(client=acme, source="prospect").get().state == "dismissed"
    response = client.get(url, {"month": f"{NEXT:%Y-%m}"})
    assert proposal.text not in response.content.decode()


def test_strategies_are_locked_once_the_plan_is_submitted(client, manager):
    acme = ClientFactory(owner=manager)
    plan = services.start_plan(owner=manager, month=NEXT, by=manager)
    item = ServiceStrategyFactory(client=acme, month=NEXT, text="Explain the product")
    services.submit_plan(plan, by=manager)
    client.force_login(manager)
    url = reverse("visits:strategies", args=[acme.pk])
    client.post(url, {"action": "add", "text": "Sneaked in", "month": f"{NEXT:%Y-%m}"})
    client.post(url, {"action": "delete", "strategy": item.pk, "month": f"{NEXT:%Y-%m}"})
    assert list(ServiceStrategy.objects.filter(client=acme, source="").values_list("text", flat=True)) == [
        "Explain the product"
    ]
    client.post(url, {"action": "done", "strategy": item.pk, "month": f"{NEXT:%Y-%m}"})
    item.refresh_from_db()
    assert item.state == "done"
    assert b'data-testid="locked"' in client.get(url, {"month": f"{NEXT:%Y-%m}"}).content


def test_csv_with_an_overlong_field_gets_a_message(client, supervisor):
    client.force_login(supervisor)
    text = "code,name,tier,owner\n" + "A," + "x" * 200_000 + ",standard,sup_a\n"
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("big.csv", text.encode())})
    assert response.status_code == 200
    assert "cannot be read" in str(response.context["form"].errors["file"])
