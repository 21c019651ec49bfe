"""Reads of early warnings, always through the viewer's scope (by the client's owner and
team, like every client list)."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from accounts.models import Team, User
from accounts.scoping import Scope, scope_for
from clients.models import Client

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
