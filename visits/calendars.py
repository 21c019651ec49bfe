"""Calendar pages and the iCalendar (.ics) feed of planned visits."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User

from .models import PlannedVisit, new_feed_token

FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 180


def new_token() -> str:
    return new_feed_token()


def month_grid(month: date) -> list[list[date]]:
    """Whole weeks, Monday first, covering the month."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)


def group_by_day(visits) -> dict[date, list[PlannedVisit]]:
    by_day: dict[date, list[PlannedVisit]] = defaultdict(list)
    for visit in visits:
        by_day[visit.date].append(visit)
    return dict(by_day)


def ics_for(owner: User) -> bytes:
    """All-day events for the manager's planned visits around today."""
    today = timezone.localdate()
    visits = (
        PlannedVisit.objects.filter(
            owner=owner,
            client__owner=owner,
            date__range=(today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)),
        )
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .select_related("client")
        .order_by("date", "pk")
    )
    cal = Calendar()
    cal.add("prodid", "-//Account manager CRM//visits//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Visits of %(name)s") % {"name": owner})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@crm")
        event.add("dtstamp", stamp)
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + timedelta(days=1))
        event.add(
            "summary",
            _("Visit %(client)s (%(method)s)") % {"client": visit.client.name, "method": visit.get_method_display()},
        )
        details = [visit.client.code]
        if visit.client.phone:
            details.append(visit.client.phone)
        if visit.purpose:
            details.append(visit.purpose)
        event.add("description", "\n".join(details))
        if visit.client.address:
            event.add("location", visit.client.address)
        event.add("status", "CONFIRMED" if visit.status == PlannedVisit.Status.PLANNED else "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()
