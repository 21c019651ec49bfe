"""Waiting on the client (issue #28, item 11): the clocks stop while a complaint waits, and
on resume each deadline moves by exactly the paused business time; a paused complaint is
neither due soon nor breached, and the escalation job leaves it alone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.models import ApiToken
from clients.tests.factories import ClientFactory, default_tier
from complaints import selectors, services, sla
from complaints.models import Category, Complaint, ComplaintEvent
from dashboards.figures import complaint_dashboard
from notifications.models import Notification
from workdays.tests.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
State = Complaint.State
Kind = ComplaintEvent.Kind


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 30 is Monday 30 November 2026; days 1 to 3 are in December."""
    return datetime(2026, 11 if day > 3 else 12, day, hour, minute, tzinfo=SHANGHAI)


# Monday 30 November 2026 14:20; Tuesday 1 December a holiday; Wednesday 2 December.
RECEIVED = at(30, 14, 20)
PAUSED = at(30, 17, 5)  # 55 business minutes before the night
RESUMED = at(2, 10, 5)  # the holiday, then 65 business minutes on Wednesday: 2 hours


@pytest.fixture
def holiday():
    CalendarDayFactory(date=date(2026, 12, 1), name="Holiday")


@pytest.fixture
def acme(manager):
    return ClientFactory(owner=manager, name="Acme Tea", tier=default_tier("standard"))


@pytest.fixture
def category():
    return Category.objects.filter(parent__isnull=False).first()


def register(manager, client, category, *, severity="normal", when=RECEIVED):
    with time_machine.travel(when, tick=False):
        return services.register(
            by=manager, client=client, category=category, severity=severity, channel="phone",
            description="The tea arrived wet", received_at=when,
        )  # fmt: skip


def move(complaint, step, by, when, note=""):
    with time_machine.travel(when, tick=False):
        return services.move(complaint, step, by=by, note=note)


def test_business_time_between_skips_the_night_and_the_holiday(holiday):
    calendar = services.business_calendar()
    assert sla.business_time_between(PAUSED, RESUMED, calendar) == timedelta(hours=2)
    assert sla.business_time_between(at(30, 19), at(2, 8), calendar) == timedelta()


def test_an_8_business_hour_deadline_paused_2_business_hours_moves_to_the_exact_minute(
    holiday, manager, acme, category
):
    complaint = register(manager, acme, category)
    # 3 h 40 on Monday, the holiday skipped, 4 h 20 on Wednesday.
    assert complaint.first_response_due == at(2, 13, 20)
    resolution_due = complaint.resolution_due

    move(complaint, "pause", manager, PAUSED, note="Waiting for photos of the wet boxes")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.paused_at, complaint.paused_from) == (State.WAITING, PAUSED, State.NEW)
    assert complaint.pause_reason == "Waiting for photos of the wet boxes"

    move(complaint, "resume", manager, RESUMED, note="Photos received")
    complaint.refresh_from_db()
    assert complaint.state == State.NEW and complaint.paused_at is None
    assert complaint.first_response_due == at(2, 15, 20)
    assert complaint.resolution_due == sla.add_business_hours(resolution_due, 2, services.business_calendar())
    events = list(complaint.events.filter(kind__in=[Kind.PAUSED, Kind.RESUMED]).values_list("kind", "by", "at"))
    assert events == [(Kind.PAUSED, manager.pk, PAUSED), (Kind.RESUMED, manager.pk, RESUMED)]
    assert "Waiting for photos" in complaint.events.get(kind=Kind.PAUSED).note


def test_clock_hours_move_by_the_clock_time_paused(manager, acme, category):
    complaint = register(manager, acme, category, severity="critical")  # clock hours (0002_defaults)
    first, resolution = complaint.first_response_due, complaint.resolution_due
    move(complaint, "pause", manager, RECEIVED + timedelta(minutes=30), note="Client abroad until tonight")
    move(complaint, "resume", manager, RECEIVED + timedelta(hours=3, minutes=47))
    complaint.refresh_from_db()
    paused = timedelta(hours=3, minutes=17)
    assert (complaint.first_response_due, complaint.resolution_due) == (first + paused, resolution + paused)


def test_a_met_first_response_deadline_stays_where_it_was(manager, acme, category):
    complaint = register(manager, acme, category)
    move(complaint, "acknowledge", manager, RECEIVED + timedelta(minutes=10), note="Told: answer by Wednesday")
    complaint.refresh_from_db()
    first = complaint.first_response_due
    move(complaint, "pause", manager, RECEIVED + timedelta(minutes=20), note="Waiting for the invoice")
    move(complaint, "resume", manager, RECEIVED + timedelta(hours=1, minutes=20))
    complaint.refresh_from_db()
    assert complaint.state == State.ACKNOWLEDGED and complaint.first_response_due == first


def test_pausing_needs_a_reason_and_a_waiting_complaint_must_resume_first(manager, acme, category):
    complaint = register(manager, acme, category)
    with pytest.raises(ValidationError) as error:
        move(complaint, "pause", manager, PAUSED)
    assert "note" in error.value.message_dict
    move(complaint, "pause", manager, PAUSED, note="Waiting for photos")
    with pytest.raises(ValidationError):
        move(complaint, "acknowledge", manager, PAUSED + timedelta(minutes=1), note="Told")
    with pytest.raises(ValidationError):
        move(complaint, "pause", manager, PAUSED + timedelta(minutes=1), note="Again")


def test_a_paused_complaint_is_neither_due_soon_nor_breached_nor_escalated(manager, acme, category):
    complaint = register(manager, acme, category, severity="critical")  # first response due in 2 clock hours
    move(complaint, "pause", manager, RECEIVED + timedelta(minutes=5), note="Waiting for the batch number")
    for later in (RECEIVED + timedelta(hours=1, minutes=50), RECEIVED + timedelta(days=3)):
        open_ = Complaint.objects.filter(pk=complaint.pk)
        assert not open_.filter(selectors.breached_q(later)).exists()
        assert not open_.filter(selectors.due_soon_q(later)).exists()
        complaint.refresh_from_db()
        assert selectors.deadline_status(complaint, later) == "paused"
        assert services.escalate_breached(later) == 0
        assert services.deadlines_soon(later) == 0
        board = complaint_dashboard(Complaint.objects.all(), RECEIVED - timedelta(days=1), later, now=later)
        assert board.by_deadline["breached"] == board.by_deadline["due_soon"] == 0
        assert board.by_deadline["paused"] == 1 and board.by_state == {State.WAITING: 1}
    complaint.refresh_from_db()
    assert complaint.level == 0
    assert not Notification.objects.filter(kind__in=["complaint.escalated", "complaint.due_soon"]).exists()
    # Once resumed, the clock runs from where it stopped: 1 h 55 left, so breached after that.
    move(complaint, "resume", manager, RECEIVED + timedelta(days=3))
    complaint.refresh_from_db()
    assert complaint.first_response_due == RECEIVED + timedelta(days=3, hours=1, minutes=55)
    assert services.escalate_breached(RECEIVED + timedelta(days=3, hours=2)) == 1


def test_the_page_offers_waiting_on_client_with_a_reason_and_resume(client, manager, acme, category):
    complaint = register(manager, acme, category)
    client.force_login(manager)
    page = client.get(complaint.get_absolute_url())
    assert 'value="pause"' in page.content.decode()
    client.post(reverse("complaints:step", args=[complaint.pk]), {"step": "pause", "note": ""})
    complaint.refresh_from_db()
    assert complaint.state == State.NEW  # no reason, nothing changed
    client.post(reverse("complaints:step", args=[complaint.pk]), {"step": "pause", "note": "Waiting for photos"})
    complaint.refresh_from_db()
    assert complaint.state == State.WAITING
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'value="resume"' in page and "Waiting for photos" in page
    listed = client.get(reverse("complaints:list"), {"deadline": "breached"})
    assert complaint not in listed.context["page"].object_list
    client.post(reverse("complaints:step", args=[complaint.pk]), {"step": "resume", "note": ""})
    complaint.refresh_from_db()
    assert complaint.state == State.NEW


def test_the_api_pauses_and_resumes(manager, acme, category):
    from rest_framework.test import APIClient

    complaint = register(manager, acme, category)
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/complaints/{complaint.pk}/transition/"
    assert api.post(url, {"step": "pause"}, format="json").status_code == 400
    paused = api.post(url, {"step": "pause", "note": "Waiting for photos"}, format="json")
    assert paused.status_code == 200, paused.content
    assert paused.json()["state"] == "waiting" and paused.json()["pause_reason"] == "Waiting for photos"
    resumed = api.post(url, {"step": "resume"}, format="json")
    assert resumed.status_code == 200 and resumed.json()["state"] == "new"
