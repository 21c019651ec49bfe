"""Client care reads, every one narrowed to the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DateField, Expression, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone

from accounts.models import User
from accounts.scoping import scope_for
from clients.models import Client, Contact

from . import rules
from .models import DeclinedGift, EventInvitation, Gift


@dataclass
class Occasion:
    kind: str  # "birthday" or "anniversary"
    date: date
    days_left: int
    client: Client
    contact: Contact | None = None
    years: int | None = None  # of the relationship, for an anniversary


def _occurs_on(field: str, days: dict[tuple[int, int], date]) -> tuple[Expression, dict[int, date], Case]:
    """Rows whose ``field`` (a date) has its month and day in ``days``, and the day of the
    window each falls on: one ``month * 100 + day IN (…)`` test, and a ``CASE`` the
    database can sort by (so that a page asking for the first few fetches only those)."""
    month_day = ExtractMonth(field) * 100 + ExtractDay(field)
    keys = {month * 100 + day: on for (month, day), on in days.items()}
    occurs_on = Case(*(When(Q(key=key), then=Value(on)) for key, on in keys.items()), output_field=DateField())
    return month_day, keys, occurs_on


def upcoming_occasions(
    user: User, days: int = 14, limit: int | None = None, today: date | None = None
) -> list[Occasion]:
    """Key persons' birthdays and clients' anniversaries from today to ``days`` days ahead,
    soonest first: two queries (three for a supervisor), whatever the size of the book,
    since only the (month, day) pairs of the window are asked for, and with ``limit`` only
    that many rows of each."""
    today = today or timezone.localdate()
    wanted = rules.month_days(rules.window(today, days))
    scope = scope_for(user)
    birthday, keys, birthday_on = _occurs_on("birthday", wanted)
    contacts = (
        Contact.objects.visible_to(scope)
        .alias(key=birthday)
        .filter(key__in=keys, is_key_person=True)
        .exclude(client__status=Client.Status.LOST)
        .annotate(occurs_on=birthday_on)
        .select_related("client")
        .order_by("occurs_on", "client__name", "name", "pk")
    )
    started, keys, anniversary_on = _occurs_on("start_date", wanted)
    clients = (
        Client.objects.visible_to(scope)
        .alias(key=started)
        # A start date before today has its anniversary in a later year; one from today on
        # is not a year old yet.
        .filter(key__in=keys, start_date__lt=today)
        .exclude(status=Client.Status.LOST)
        .annotate(occurs_on=anniversary_on)
        .order_by("occurs_on", "name", "pk")
    )
    if limit is not None:
        contacts, clients = contacts[:limit], clients[:limit]
    occasions = []
    for contact in contacts:
        day = wanted[(contact.birthday.month, contact.birthday.day)]
        occasions.append(Occasion("birthday", day, (day - today).days, contact.client, contact))
    for client in clients:
        day = wanted[(client.start_date.month, client.start_date.day)]
        occasions.append(
            Occasion("anniversary", day, (day - today).days, client, years=day.year - client.start_date.year)
        )
    # Stable: within a day and kind, the database's order by name (its collation) stays.
    occasions.sort(key=lambda o: (o.date, o.kind))
    return occasions[:limit] if limit is not None else occasions


def own_clients(user: User) -> QuerySet[Client]:
    """Care is recorded by the client's own manager, for the clients they look after."""
    return Client.objects.of_manager(user).exclude(status=Client.Status.LOST).order_by("name")


def own_contacts(user: User) -> QuerySet[Contact]:
    return (
        Contact.objects.of_manager(user)
        .exclude(client__status=Client.Status.LOST)
        .select_related("client")
        .order_by("client__name", "-is_key_person", "name")
    )


def gifts(user: User, *, status: str = "") -> QuerySet[Gift]:
    qs = Gift.objects.visible_to(user)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("client", "client__team", "contact", "given_by", "decided_by").order_by("-given_on", "-pk")


def declined_gifts(user: User) -> QuerySet[DeclinedGift]:
    return DeclinedGift.objects.visible_to(user).select_related("client", "recorded_by").order_by("-offered_on", "-pk")


def invitations(user: User) -> QuerySet[EventInvitation]:
    qs = EventInvitation.objects.visible_to(user)
    return qs.select_related("client", "contact", "owner").order_by("-event_date", "-pk")
