"""Reads of early warnings, always through the viewer's scope (by the client's owner and
team, like every client list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, Lookup, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Team, User
from accounts.scoping import Scope, scope_for
from clients.models import Client

from .models import ClientWarning, RuleCode


def visible_warnings(user: User, *, scope: Scope | None = None) -> QuerySet[ClientWarning]:
    """Active warnings of the clients this user may see."""
    scope = scope or scope_for(user)
    return ClientWarning.objects.filter(active=True).visible_to(scope)


def at_risk_clients(
    user: User, *, team: Team | None = None, rule: str = "", scope: Scope | None = None
) -> QuerySet[Client]:
    """Flagged clients in scope, most recently flagged first, as ``{"pk", "flagged_at"}``
    rows (the client's latest active flag, of ``rule`` if given): paginate them, then read
    the page's clients with ``at_risk_page``.

    Narrow on purpose: an admin's list sorts 46,000 flagged clients (issue #31). Without a
    rule, the latest flag is the client's own ``latest_flagged_at`` (kept by the warnings' writes),
    and an index of (latest_flagged_at desc, name, id) gives the first page in that order without
    sorting anything. For one rule, one grouped query over the active warnings' index."""
    scope = scope or scope_for(user)
    clients = Client.objects.visible_to(scope)
    if team is not None:
        clients = clients.filter(team=team)
    if not rule:
        flagged = clients.filter(latest_flagged_at__isnull=False)
        return flagged.values("pk", flagged_at=F("latest_flagged_at")).order_by("-latest_flagged_at", "name", "pk")
    return (
        clients.filter(warnings__active=True, warnings__rule=rule)
        .values("pk")
        .annotate(flagged_at=Max("warnings__first_flagged_at"))
        .order_by("-flagged_at", "name", "pk")
    )


def at_risk_page(rows) -> list[Client]:
    """The clients of a page of ``at_risk_clients`` rows, in its order, each with
    ``flagged_at`` and ``active_warnings`` (a list, by rule): two queries for a whole page."""
    rows = list(rows)
    clients = (
        Client.objects.filter(pk__in=[row["pk"] for row in rows])
        .select_related("owner", "tier")
        .prefetch_related(
            Prefetch(
                "warnings",
                queryset=ClientWarning.objects.filter(active=True).order_by("rule"),
                to_attr="active_warnings",
            )
        )
        .in_bulk()
    )
    page = []
    for row in rows:
        client = clients.get(row["pk"])
        if client is not None:
            client.flagged_at = row["flagged_at"]
            page.append(client)
    return page


def flagged_clients(user: User, *, scope: Scope | None = None) -> QuerySet:
    """The ids of the flagged clients in scope, once each: count it (with
    ``crm.queries.count_each`` on the home pages)."""
    return visible_warnings(user, scope=scope).values("client_id").distinct()


def latest_warnings(user: User, limit: int = 5, *, scope: Scope | None = None) -> list[ClientWarning]:
    """The latest warnings in scope with their client, for the home pages: one query.

    A manager's warnings are looked up by their clients' ids (``= ANY(ARRAY(…))``, PostgreSQL):
    joined by owner, the planner hashed all 58,000 active warnings of the company to keep the
    900 of one manager's 1,800 clients (28 ms at 100,000 clients; 4 ms by the clients' ids,
    issue #31). A wider scope keeps the join: there the hash is the right plan."""
    scope = scope or scope_for(user)
    warnings = visible_warnings(user, scope=scope).select_related("client")
    if _own_clients_only(scope) and connection.vendor == "postgresql":
        own = Client.objects.visible_to(scope).order_by().values("pk")
        among = _AnyOf(F("client_id"), ArraySubquery(own))
        warnings = ClientWarning.objects.filter(among, active=True).select_related("client")
    return list(warnings.order_by("-first_flagged_at", "client__name", "rule")[:limit])


def _own_clients_only(scope: Scope) -> bool:
    """A manager's scope (their own clients: a few thousand at most)."""
    return scope.user.is_active and not scope.sees_everything and not scope.user.is_supervisor


class _AnyOf(Lookup):
    """``lhs = ANY(array)``: the planner takes the array for a handful of ids and probes the
    index for each."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def at_risk_by_rule(warnings: QuerySet[ClientWarning]) -> list[tuple[str, str, int]]:
    """(rule code, its name, clients flagged) for the dashboards, one grouped query: a client
    has one warning per rule (``client_warning_one_per_rule``), so its warnings are counted,
    hashed by rule, not sorted to count distinct clients (35 → 16 ms at 58,000 warnings)."""
    counts = dict(warnings.order_by().values_list("rule").annotate(n=Count("*")))
    return [(code, label, counts[code]) for code, label in RuleCode.choices if counts.get(code)]


@dataclass(frozen=True)
class RetentionDue:
    """A client flagged as tending to leave and its retention visit (离网必访)."""

    client: Client
    flagged_at: datetime
    due: date
    overdue: bool


def waiting_for_retention(
    user: User,
    *,
    scope: Scope | None = None,
    team: Team | None = None,
    today: date | None = None,
    overdue_only: bool = False,
) -> QuerySet[Client]:
    """Flagged clients in scope not visited since they were first flagged, each with
    ``flagged_at`` (its first active warning) and ``flagged_on`` (that day, local time);
    with ``overdue_only``, those past the ``CRM_RETENTION_VISIT_DAYS`` days.

    Read from the clients alone: the first active warning is the client's own
    ``earliest_flagged_at`` (kept by the warnings' writes, performance.models.refresh_flagged_at),
    compared with its last visit (``last_visited_on``, which every logged visit moves forward),
    from the ``client_retention`` index. Grouping the company's 58,000 active warnings by client
    took 110–140 ms of the admin's visit board at 100,000 clients (issue #31).
    """
    scope = scope or scope_for(user)
    clients = Client.objects.visible_to(scope)
    if team is not None:
        clients = clients.filter(team=team)
    clients = (
        clients.filter(earliest_flagged_at__isnull=False)
        .annotate(flagged_at=F("earliest_flagged_at"), flagged_on=TruncDate("earliest_flagged_at"))
        .filter(Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=F("flagged_on")))
    )
    if overdue_only:
        clients = clients.filter(_flagged_before((today or timezone.localdate()) - _retention_days()))
    return clients


def _flagged_before(day: date) -> Q:
    """First flagged before ``day`` (local time): compared as instants, from the index, rather
    than turning every client's flag into a local day."""
    return Q(earliest_flagged_at__lt=timezone.make_aware(datetime.combine(day, time.min)))


def _retention_days() -> timedelta:
    return timedelta(days=settings.CRM_RETENTION_VISIT_DAYS)


def retention_due(
    user: User,
    *,
    scope: Scope | None = None,
    team: Team | None = None,
    today: date | None = None,
    overdue_only: bool = False,
    limit: int | None = None,
) -> list[RetentionDue]:
    """Flagged clients in scope still waiting for their retention visit, most overdue first.

    A client with an active warning must be visited within ``CRM_RETENTION_VISIT_DAYS`` days
    of its first active warning; any visit logged on or after that day counts. One query.
    """
    today = today or timezone.localdate()
    days = _retention_days()
    clients = waiting_for_retention(user, scope=scope, team=team, today=today, overdue_only=overdue_only)
    rows = []
    for client in clients.select_related("owner").order_by("flagged_on", "name", "pk")[:limit]:
        due = client.flagged_on + days
        rows.append(RetentionDue(client=client, flagged_at=client.flagged_at, due=due, overdue=due < today))
    return rows


def retention_counts(
    user: User, *, scope: Scope | None = None, team: Team | None = None, today: date | None = None
) -> tuple[int, int]:
    """(waiting, overdue) retention visits in scope, counted by the database: one query."""
    today = today or timezone.localdate()
    # Counted from the index alone: its columns (a client's id is not among them).
    flagged = "earliest_flagged_at"
    counts = waiting_for_retention(user, scope=scope, team=team).aggregate(
        waiting=Count(flagged), overdue=Count(flagged, filter=_flagged_before(today - _retention_days()))
    )
    return counts["waiting"], counts["overdue"]
