"""Reads of market observations: the market page's (scoped, filtered,
grouped by area, brand and month)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import User
from accounts.scoping import Scope
from crm.i18n import localized

from .models import MarketObservation


@dataclass
class MarketFilters:
    team_id: int | None = None
    owner_id: int | None = None
    brand: str = ""
    month: date | None = None  # the first day of a month


def visible_observations(scope: Scope, filters: MarketFilters) -> QuerySet[MarketObservation]:
    """The observations this user may see (a manager their own, a supervisor their teams',
    an admin all), narrowed by the page's filters."""
    rows = MarketObservation.objects.visible_to(scope)
    if filters.team_id:
        rows = rows.filter(team_id=filters.team_id)
    if filters.owner_id:
        rows = rows.filter(owner_id=filters.owner_id)
    if filters.brand:
        rows = rows.filter(brand__icontains=filters.brand)
    if filters.month:
        month = filters.month
        next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        rows = rows.filter(observed_on__gte=month, observed_on__lt=next_month)
    return rows


def observation_rows(rows: QuerySet[MarketObservation]) -> QuerySet[MarketObservation]:
    """The list's rows, newest first, with what each shows in one query."""
    return rows.select_related("client", "owner", "team").order_by("-observed_on", "-pk")


def summary(rows: QuerySet[MarketObservation], *, limit: int = 100) -> list[dict]:
    """By area (the team), brand and month: how many observations, at how many clients,
    the average price and shelf share. One query."""
    return list(
        rows.annotate(month=TruncMonth("observed_on"), team_name=localized("team__name"), area=localized("team__area"))
        .values("team_name", "area", "brand", "month")
        .annotate(
            observations=Count("pk"),
            clients=Count("client", distinct=True),
            average_price=Avg("price"),
            average_share=Avg("shelf_share"),
        )
        .order_by("-month", "area", "team_name", "brand")[:limit]
    )


def export_rows(rows: QuerySet[MarketObservation]):
    """The rows of the CSV export (what the list shows, every row), streamed in chunks."""
    return observation_rows(rows).iterator(chunk_size=2000)


def managers_for(scope: Scope) -> QuerySet[User]:
    return scope.users().filter(role=User.Role.MANAGER).order_by("first_name", "last_name", "username")
