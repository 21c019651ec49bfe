"""Reads of early warnings, always through the viewer's scope (by the client's owner and
team, like every client list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Team, User
from accounts.scoping import Scope, scope_for
from clients.models import Client
from visits.models import VisitLog

from .models import ClientWarning, RuleCode

WARNING_SCOPE = {"owner": "client__owner", "team": "client__team"}


def visible_warnings(user: User, *, scope: Scope | None = None) -> QuerySet[ClientWarning]:
    """Active warnings of the clients this user may see."""
    scope = scope or scope_for(user)
    return scope.filter(ClientWarning.objects.filter(active=True), **WARNING_SCOPE)


def at_risk_clients(
    user: User, *, team: Team | None = None, rule: str = "", scope: Scope | None = None
) -> QuerySet[Client]:
    """Flagged clients in scope, most recently flagged first, each with ``active_warnings``
    (a list, prefetched: one query for a whole page)."""
    warnings = visible_warnings(user, scope=scope)
    if team is not None:
        warnings = warnings.filter(client__team=team)
    if rule:
        warnings = warnings.filter(rule=rule)
    active = Q(warnings__active=True) & (Q(warnings__rule=rule) if rule else Q())
    return (
        Client.objects.filter(pk__in=warnings.values("client_id"))
        .select_related("owner", "tier")
        .annotate(flagged_at=Max("warnings__first_flagged_at", filter=active))
        .prefetch_related(
            Prefetch(
                "warnings",
                queryset=ClientWarning.objects.filter(active=True).order_by("rule"),
                to_attr="active_warnings",
            )
        )
        .order_by("-flagged_at", "name", "pk")
    )


def home_at_risk(user: User, limit: int = 5, *, scope: Scope | None = None) -> tuple[int, list[ClientWarning]]:
    """For the home page: how many clients in scope are flagged, and the latest warnings
    with their client. Two queries (and a supervisor's team lookup, unless ``scope``
    already made it)."""
    warnings = visible_warnings(user, scope=scope)
    count = warnings.values("client_id").distinct().count()
    if not count:
        return 0, []
    latest = list(warnings.select_related("client").order_by("-first_flagged_at", "client__name", "rule")[:limit])
    return count, latest


def at_risk_by_rule(warnings: QuerySet[ClientWarning]) -> list[tuple[str, str, int]]:
    """(rule code, its name, clients flagged) for the dashboards, one grouped query."""
    counts = dict(warnings.order_by().values_list("rule").annotate(n=Count("client_id", distinct=True)))
    return [(code, label, counts[code]) for code, label in RuleCode.choices if counts.get(code)]


@dataclass(frozen=True)
class RetentionDue:
    """A client flagged as tending to leave and its retention visit (离网必访)."""

    client: Client
    flagged_at: datetime
    due: date
    overdue: bool


def retention_due(
    user: User, *, scope: Scope | None = None, team: Team | None = None, today: date | None = None
) -> list[RetentionDue]:
    """Flagged clients in scope still waiting for their retention visit, most overdue first.

    A client with an active warning must be visited within ``CRM_RETENTION_VISIT_DAYS`` days
    of its first active warning; any visit logged on or after that day counts. One query.
    """
    today = today or timezone.localdate()
    warnings = visible_warnings(user, scope=scope)
    if team is not None:
        warnings = warnings.filter(client__team=team)
    last_visit = VisitLog.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    clients = (
        Client.objects.filter(pk__in=warnings.values("client_id"))
        .select_related("owner")
        .annotate(
            flagged_at=Min("warnings__first_flagged_at", filter=Q(warnings__active=True)),
            last_visit=Subquery(last_visit),
        )
    )
    days = timedelta(days=settings.CRM_RETENTION_VISIT_DAYS)
    rows = []
    for client in clients:
        flagged_on = timezone.localdate(client.flagged_at)
        if client.last_visit is not None and client.last_visit >= flagged_on:
            continue
        due = flagged_on + days
        rows.append(RetentionDue(client=client, flagged_at=client.flagged_at, due=due, overdue=due < today))
    rows.sort(key=lambda row: (row.due, row.client.name, row.client.pk))
    return rows
