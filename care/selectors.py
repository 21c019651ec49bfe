"""Client care reads, every one narrowed to the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scoping import scope_for
from clients.models import Client, Contact

from . import rules
from .models import DeclinedGift, EventInvitation, Gift

CLIENT_SCOPE = {"owner": "client__owner", "team": "client__team"}


@dataclass
class Occasion:
    kind: str  # "birthday" or "anniversary"
    date: date
    days_left: int
    client: Client
    contact: Contact | None = None
    years: int | None = None  # of the relationship, for an anniversary


def _on_days(field: str, days: dict[tuple[int, int], date]) -> Q:
    return reduce(or_, (Q(**{f"{field}__month": month, f"{field}__day": day}) for month, day in days))


def upcoming_occasions(
    user: User, days: int = 14, limit: int | None = None, today: date | None = None
) -> list[Occasion]:
    """Key persons' birthdays and clients' anniversaries from today to ``days`` days ahead,
    soonest first: two queries (three for a supervisor), whatever the size of the book,
    since only the (month, day) pairs of the window are asked for."""
    today = today or timezone.localdate()
    wanted = rules.month_days(rules.window(today, days))
    scope = scope_for(user)
    contacts = (
        scope.filter(Contact.objects.all(), **CLIENT_SCOPE)
        .filter(_on_days("birthday", wanted), is_key_person=True)
        .exclude(client__status=Client.Status.LOST)
        .select_related("client")
    )
    clients = (
        scope.filter(Client.objects.all(), owner="owner", team="team")
        .filter(_on_days("start_date", wanted))
        .exclude(status=Client.Status.LOST)
    )
    occasions = []
    for contact in contacts:
        day = wanted[(contact.birthday.month, contact.birthday.day)]
        occasions.append(Occasion("birthday", day, (day - today).days, contact.client, contact))
    for client in clients:
        day = wanted[(client.start_date.month, client.start_date.day)]
        years = day.year - client.start_date.year
        if years > 0:
            occasions.append(Occasion("anniversary", day, (day - today).days, client, years=years))
    occasions.sort(key=lambda o: (o.date, o.kind, o.client.name, o.contact.name if o.contact else ""))
    return occasions[:limit] if limit is not None else occasions


def own_clients(user: User) -> QuerySet[Client]:
    """Care is recorded by the client's own manager, for the clients they look after."""
    return Client.objects.filter(owner=user).exclude(status=Client.Status.LOST).order_by("name")


def own_contacts(user: User) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(client__owner=user)
        .exclude(client__status=Client.Status.LOST)
        .select_related("client")
        .order_by("client__name", "-is_key_person", "name")
    )


def gifts(user: User, *, status: str = "") -> QuerySet[Gift]:
    qs = scope_for(user).filter(Gift.objects.all(), **CLIENT_SCOPE)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("client", "client__team", "contact", "given_by", "approved_by").order_by(
        "-given_on", "-pk"
    )


def declined_gifts(user: User) -> QuerySet[DeclinedGift]:
    return (
        scope_for(user)
        .filter(DeclinedGift.objects.all(), **CLIENT_SCOPE)
        .select_related("client", "recorded_by")
        .order_by("-offered_on", "-pk")
    )


def invitations(user: User) -> QuerySet[EventInvitation]:
    qs = scope_for(user).filter(EventInvitation.objects.all(), **CLIENT_SCOPE)
    return qs.select_related("client", "contact", "owner").order_by("-event_date", "-pk")
