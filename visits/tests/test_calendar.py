from datetime import timedelta

import icalendar
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import rules, services
from visits.models import CalendarFeed, PlannedVisit
from workdays.selectors import working_days


def plan_and_generate(manager, supervisor, count=5):
    ClientFactory.create_batch(count, owner=manager, address="1 West Lake Road")
    month = rules.month_start(timezone.localdate())
    plan = services.start_plan(owner=manager, month=month, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    services.generate_visits(owner=manager, start=month, end=rules.month_end(month), by=manager)
    return month


def test_month_and_week_views_show_the_visits(client, manager, supervisor):
    month = plan_and_generate(manager, supervisor)
    visit = PlannedVisit.objects.order_by("date").first()
    client.force_login(manager)
    response = client.get(reverse("visits:calendar"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    assert visit.client.name in response.content.decode()
    response = client.get(reverse("visits:calendar_week"), {"day": f"{visit.date:%Y-%m-%d}"})
    week = dict(response.context["days"])
    assert visit in week[visit.date]


def test_supervisor_sees_a_team_members_calendar_but_not_another_team(client, manager, supervisor, other_supervisor):
    month = plan_and_generate(manager, supervisor)
    client.force_login(supervisor)
    response = client.get(reverse("visits:calendar"), {"month": f"{month:%Y-%m}", "owner": manager.pk})
    assert response.status_code == 200 and response.context["days_with_visits"]
    client.force_login(other_supervisor)
    assert client.get(reverse("visits:calendar"), {"owner": manager.pk}).status_code == 404
    assert client.get(reverse("visits:schedule"), {"owner": manager.pk}).status_code == 404


def test_manager_cannot_view_a_teammates_calendar(client, manager, teammate):
    client.force_login(manager)
    assert client.get(reverse("visits:calendar_week"), {"owner": teammate.pk}).status_code == 404


def test_ics_feed_parses_and_lists_the_visits(client, manager, supervisor):
    plan_and_generate(manager, supervisor)
    client.force_login(manager)
    client.post(reverse("visits:feed_reset"))
    feed = CalendarFeed.objects.get(owner=manager)
    client.logout()  # phone calendars do not log in
    response = client.get(reverse("visits:feed", args=[feed.token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    visits = PlannedVisit.objects.filter(owner=manager)
    assert len(events) == visits.count()
    first = visits.order_by("date", "pk").first()
    event = next(e for e in events if str(e["UID"]) == f"visit-{first.pk}@crm")
    assert event.decoded("DTSTART") == first.date
    assert event.decoded("DTEND") == first.date + timedelta(days=1)
    assert first.client.name in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "1 West Lake Road"


def test_replacing_the_feed_address_revokes_the_old_one(client, manager):
    client.force_login(manager)
    client.post(reverse("visits:feed_reset"))
    old = CalendarFeed.objects.get(owner=manager).token
    client.post(reverse("visits:feed_reset"))
    new = CalendarFeed.objects.get(owner=manager).token
    assert old != new
    assert client.get(reverse("visits:feed", args=[old])).status_code == 404
    assert client.get(reverse("visits:feed", args=[new])).status_code == 200


def test_feed_of_a_deactivated_user_is_gone(client, manager):
    feed = CalendarFeed.objects.create(owner=manager)
    manager.is_active = False
    manager.save()
    assert client.get(reverse("visits:feed", args=[feed.token])).status_code == 404


def test_schedule_page_generate_and_add_by_hand(client, manager, supervisor):
    acme = ClientFactory(owner=manager)
    month = rules.month_start(timezone.localdate())
    plan = services.start_plan(owner=manager, month=month, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    client.force_login(manager)
    end = rules.month_end(month)
    response = client.post(reverse("visits:schedule_generate"), {"start": month, "end": end}, follow=True)
    assert response.status_code == 200
    assert PlannedVisit.objects.filter(client=acme, source="generated").exists()
    free_day = next(
        d for d in working_days(month, end) if not PlannedVisit.objects.filter(client=acme, date=d).exists()
    )
    client.post(reverse("visits:schedule_add"), {"client": acme.pk, "date": free_day, "purpose": "Sign renewal"})
    assert PlannedVisit.objects.get(client=acme, date=free_day).purpose == "Sign renewal"
    response = client.get(reverse("visits:schedule"), {"month": f"{month:%Y-%m}"})
    assert "Sign renewal" in response.content.decode()


def test_calendar_queries_are_bounded(client, manager, supervisor, django_assert_max_num_queries):
    month = plan_and_generate(manager, supervisor, count=30)
    client.force_login(manager)
    with django_assert_max_num_queries(6):
        client.get(reverse("visits:calendar"), {"month": f"{month:%Y-%m}"})
    with django_assert_max_num_queries(8):
        client.get(reverse("visits:schedule"), {"month": f"{month:%Y-%m}"})
