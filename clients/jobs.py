"""Client jobs: clients overdue against their visit frequency, key persons' birthdays."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.jobs import job
from notifications.services import Reminder, notify_many

from .models import Client, Contact

NAMES_IN_MESSAGE = 5


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_IN_MESSAGE])
    return shown + ("…" if len(names) > NAMES_IN_MESSAGE else "")


def overdue_clients(today: date) -> int:
    """Each manager once a day: their overdue clients. The team's supervisor too, for
    clients overdue by a whole visit interval more (twice overdue). One query for the
    clients, one for the users, whatever their number."""
    rows = (
        Client.objects.filter(next_visit_due__lt=today, owner__is_active=True)
        .exclude(status=Client.Status.LOST)
        .values_list("name", "owner_id", "team__supervisor_id", "next_visit_due", "last_visited_on")
        .order_by("next_visit_due", "pk")
    )
    by_owner: dict[int, list[str]] = defaultdict(list)
    twice: dict[int, list[str]] = defaultdict(list)
    for name, owner_id, supervisor_id, due, last in rows:
        by_owner[owner_id].append(name)
        interval = (due - last) if last else timedelta(days=30)
        if supervisor_id and today >= due + interval:
            twice[supervisor_id].append(name)
    users = {user.pk: user for user in User.objects.filter(pk__in={*by_owner, *twice}, is_active=True)}
    url = reverse("clients:list") + "?overdue=true"
    reminders = []
    for owner_id, names in by_owner.items():
        if user := users.get(owner_id):
            with translation.override(user.language):
                message = _("%(count)s client(s) overdue for a visit: %(names)s") % {
                    "count": len(names),
                    "names": _names(names),
                }
            reminders.append(Reminder(user, "clients.overdue", f"{today:%Y%m%d}", message, url))
    for supervisor_id, names in twice.items():
        if user := users.get(supervisor_id):
            with translation.override(user.language):
                message = _("%(count)s client(s) in your team are twice overdue for a visit: %(names)s") % {
                    "count": len(names),
                    "names": _names(names),
                }
            reminders.append(Reminder(user, "clients.twice_overdue", f"{today:%Y%m%d}", message, url))
    return notify_many(reminders)


def birthdays(today: date) -> int:
    """Key persons whose birthday is N days ahead (29 February counts on 28 February in
    other years); once per person and year."""
    target = today + timedelta(days=settings.CRM_BIRTHDAY_DAYS_AHEAD)
    days = [(target.month, target.day)]
    if (target.month, target.day) == (2, 28) and not _is_leap(target.year):
        days.append((2, 29))
    contacts = []
    for month, day in days:
        contacts += list(
            Contact.objects.filter(
                is_key_person=True, birthday__month=month, birthday__day=day, client__owner__is_active=True
            ).select_related("client", "client__owner")
        )
    reminders = []
    for contact in contacts:
        owner = contact.client.owner
        with translation.override(owner.language):
            message = _("%(name)s (%(client)s) has a birthday on %(date)s.") % {
                "name": contact.name,
                "client": contact.client.name,
                "date": f"{target:%m-%d}",
            }
        reminders.append(
            Reminder(
                owner, "clients.birthday", f"{contact.pk}:{target.year}", message, contact.client.get_absolute_url()
            )
        )
    return notify_many(reminders)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@job("clients.overdue")
def _overdue(now):
    return {"notified": overdue_clients(timezone.localdate(now))}


@job("clients.birthdays")
def _birthdays(now):
    return {"notified": birthdays(timezone.localdate(now))}
