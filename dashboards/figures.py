"""The dashboards' figures, aggregated in the database: a fixed number of queries for any
number of managers, clients, visits, complaints or answers.

Every function takes querysets already narrowed to the viewer's scope (see ``views``).

From rollups (``rollups/``): the visit board's planned, done and unplanned counts, its
visits logged per day, the distinct active clients visited (for "not visited"), the
checklist items not done (a row per manager and day) and coverage (a row per plan's
manager, month, frequency and the day a line reached its n-th visit). From raw rows: what is
counted against now, from indexes alone (overdue clients, active clients per manager), the
month's strategies (few), the complaint board's open complaints now (by state and
deadline, escalated) and its percentiles of hours, and the lowest-scoring clients of the
satisfaction board (per client). The satisfaction board's scores by manager, team, tier and
month read the survey rollups (a row per manager, month, tier and client owner/team), and
the complaint board's month (received, breach rates, breakdowns, weekly trend) the
complaint rollups (a row per manager, day, team, category, severity and tier, plus the few
complaints whose deadlines are not met yet) when the view passes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from complaints.models import Complaint, Severity
from complaints.selectors import (
    OPEN_STATES,
    breached_q,
    due_soon_q,
    first_response_breached_q,
    on_site_breached_q,
    resolution_breached_q,
)
from crm.i18n import localized
from crm.numbers import percentile, share
from rollups.selectors import ComplaintFigures, complaint_figures, visited_and_checklist, visits_logged_per_day
from rollups.selectors import coverage as rollup_coverage
from rollups.selectors import month_scores as rollup_month_scores
from rollups.selectors import visit_counts as rollup_visit_counts
from surveys.scores import Score, lowest_by
from surveys.selectors import month_scores
from visits.models import MonthlyPlan, ServiceStrategy, VisitLog
from visits.rules import month_end, month_start
from visits.selectors import checklist_missed


class Hours(Func):
    """The hours between two timestamps (``end - start``), on PostgreSQL."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0"
    arg_joiner = " - "
    output_field = FloatField()


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def hour_percentiles(queryset: QuerySet, spans: dict[str, tuple[str, str]]) -> dict[str, dict[str, float | None]]:
    """Median and 90th percentile of the hours from ``start`` to ``end`` for each named
    span (rows without an end are left out), rounded to 0.1 h.

    PostgreSQL computes them in one query (percentile_cont); other databases (SQLite for
    local runs) get the same interpolation in Python over one query's values.
    """
    if connection.vendor == "postgresql":
        aggregates = {}
        for name, (start, end) in spans.items():
            hours = Hours(F(end), F(start))
            aggregates[f"{name}_median"] = PercentileCont(hours, 0.5)
            aggregates[f"{name}_p90"] = PercentileCont(hours, 0.9)
        values = queryset.aggregate(**aggregates)
        found = {name: (values[f"{name}_median"], values[f"{name}_p90"]) for name in spans}
    else:
        hours = {name: [] for name in spans}
        fields = sorted({field for span in spans.values() for field in span})
        for row in queryset.values(*fields):
            for name, (start, end) in spans.items():
                if row[start] is not None and row[end] is not None:
                    hours[name].append((row[end] - row[start]).total_seconds() / 3600)
        found = {name: (percentile(values, 0.5), percentile(values, 0.9)) for name, values in hours.items()}
    return {
        name: {"median": None if median is None else round(median, 1), "p90": None if p90 is None else round(p90, 1)}
        for name, (median, p90) in found.items()
    }


# --- visits -------------------------------------------------------------------------------


@dataclass
class ManagerVisits:
    owner_id: int
    name: str
    planned: int = 0
    done: int = 0
    temporary: int = 0
    overdue_clients: int = 0
    not_visited: int = 0
    strategies_total: int = 0
    strategies_done: int = 0
    clients_in_plan: int = 0
    clients_covered: int = 0
    checklist_missed: int = 0  # checklist items of the month's visit logs not done

    @property
    def completion(self) -> float | None:
        return share(self.done, self.planned)

    @property
    def below_target(self) -> bool:
        """Plan completion under ``CRM_VISIT_COMPLETION_TARGET`` (SPEC: below 85% is a problem)."""
        return self.completion is not None and self.completion < settings.CRM_VISIT_COMPLETION_TARGET

    @property
    def coverage(self) -> float | None:
        return share(self.clients_covered, self.clients_in_plan)


@dataclass
class VisitDashboard:
    month: date
    until: date
    rows: list[ManagerVisits] = field(default_factory=list)
    per_day: list[tuple[date, int]] = field(default_factory=list)

    @property
    def total(self) -> ManagerVisits:
        total = ManagerVisits(owner_id=0, name="")
        for row in self.rows:
            for name in ("planned", "done", "temporary", "overdue_clients", "not_visited", "strategies_total",
                         "strategies_done", "clients_in_plan", "clients_covered", "checklist_missed"):  # fmt: skip
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def unrestricted(queryset: QuerySet, prefix: str) -> QuerySet:
    return queryset


def visit_dashboard(
    managers: QuerySet, month: date, today: date | None = None, restrict=unrestricted, company_wide: bool = False
) -> VisitDashboard:
    """Per manager for the month up to today (or the month's end): visits planned vs done,
    coverage, overdue clients, unplanned visits, strategies done, clients not yet visited;
    and visits done per day; checklist items not done. Eight queries (five on the rollups).

    ``restrict(queryset, prefix)`` applies the viewer's scope to every client-related row
    (``prefix`` leads from the row to its client: "" for clients, "client__" otherwise), so
    a client of another team never counts, even when its manager changed teams.
    ``company_wide`` (every manager is listed): the month's visits are read by date alone,
    from the covering index, rather than through a list of hundreds of managers.
    """
    today = today or timezone.localdate()
    month = month_start(month)
    end = month_end(month)
    until = min(max(today, month - timedelta(days=1)), end)
    people = list(managers.order_by("username"))
    ids = [user.pk for user in people]
    rows = {user.pk: ManagerVisits(owner_id=user.pk, name=str(user)) for user in people}
    # Visits by someone not listed (an account that left) count in the per-day totals only.
    unlisted = ManagerVisits(owner_id=0, name="")

    def owned_by(field: str) -> dict:
        return {} if company_wide else {f"{field}__in": ids}

    # Planned, done and temporary tasks: the one count (visits.selectors.visit_counts), read
    # from the rollups (rollups.selectors: the same numbers from a row per manager and day).
    counts = rollup_visit_counts(
        owners=None if company_wide else ids, month=month, until=until, today=today, restrict=restrict
    )
    for owner_id, counted in counts.items():
        row = rows.get(owner_id, unlisted)
        row.planned, row.done, row.temporary = counted.planned, counted.done, counted.temporary
    # Overdue counts every client (as the client list's "visit overdue" filter does);
    # "not visited" only active ones: the active clients (here) less the distinct active
    # clients visited this month (from the rollups, with the checklist items not done).
    # Both against now, from the raw clients: two grouped counts, each from an index alone
    # (``client_due_owner``: only the overdue; ``client_active_owner``: only the active).
    clients = restrict(Client.objects.all() if company_wide else Client.objects.filter(owner_id__in=ids), "")
    for owner_id, n in (
        clients.filter(next_visit_due__lt=today).values("owner_id").annotate(n=Count("*")).values_list("owner_id", "n")
    ):
        rows.get(owner_id, unlisted).overdue_clients = n
    for owner_id, n in (
        clients.filter(status=Client.Status.ACTIVE)
        .values("owner_id")
        .annotate(n=Count("*"))
        .values_list("owner_id", "n")
    ):
        rows.get(owner_id, unlisted).not_visited = n
    visited, missed = visited_and_checklist(
        owners=None if company_wide else ids, month=month, until=until, restrict=restrict
    )
    for owner_id, n in visited.items():
        rows.get(owner_id, unlisted).not_visited -= n
    for owner_id, n in missed.items():
        rows.get(owner_id, unlisted).checklist_missed = n
    for row in (
        restrict(ServiceStrategy.objects.filter(client__owner_id__in=ids, month=month), "client__")
        .exclude(state=ServiceStrategy.State.DISMISSED)
        .values("client__owner_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(state=ServiceStrategy.State.DONE)))
    ):
        rows[row["client__owner_id"]].strategies_total = row["total"]
        rows[row["client__owner_id"]].strategies_done = row["done"]
    covered, in_plan = rollup_coverage(None if company_wide else ids, month, until, restrict)
    for owner_id, row in rows.items():
        row.clients_covered, row.clients_in_plan = covered.get(owner_id, 0), in_plan.get(owner_id, 0)
    per_day = visits_logged_per_day(owners=None if company_wide else ids, month=month, until=until, restrict=restrict)
    return VisitDashboard(month=month, until=until, rows=list(rows.values()), per_day=per_day)


# --- complaints -----------------------------------------------------------------------------


@dataclass
class Breakdown:
    label: str
    key: object
    total: int  # received this month
    breached: int  # resolved late, or past the resolution deadline and not resolved
    due: int = 0  # resolved, or past the resolution deadline: the breach rate's base

    @property
    def breach_rate(self) -> float | None:
        return share(self.breached, self.due)


@dataclass
class ComplaintDashboard:
    by_state: dict[str, int]
    by_deadline: dict[str, int]
    received: int
    first_response_breached: int
    first_response_total: int
    resolution_breached: int
    resolution_total: int
    on_site_breached: int  # someone on site late (seed 001's third deadline)
    on_site_total: int
    major_open: int  # open complaints of the highest severity
    first_response_times: dict[str, float | None]  # median and p90 in hours
    resolution_times: dict[str, float | None]
    by_category: list[Breakdown]
    by_severity: list[Breakdown]
    by_tier: list[Breakdown]
    by_owner: list[Breakdown]
    per_week: list[tuple[date, int]]
    escalated: list[Complaint]

    @property
    def first_response_breach_rate(self):
        return share(self.first_response_breached, self.first_response_total)

    @property
    def resolution_breach_rate(self):
        return share(self.resolution_breached, self.resolution_total)

    @property
    def on_site_breach_rate(self):
        return share(self.on_site_breached, self.on_site_total)


def complaint_dashboard(
    complaints: QuerySet,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    rollups: QuerySet | None = None,
):
    """Open complaints by state and deadline (now), and for those received between start
    and end: breach rates, median and 90th-percentile times, breakdowns, weekly trend.

    ``rollups``: the complaint rollups (``rollups.ComplaintDay``) narrowed as ``complaints``
    are; ``start`` and ``end`` are then local midnights (a month's bounds). The month's
    counts, breach rates, breakdowns and weekly trend are read from them, with the
    complaints whose deadlines are not met yet counted from the raw rows against ``now``
    (``rollups.selectors.complaint_figures``). What is about the present stays on the raw
    rows either way: the open complaints by state and deadline, the major ones, the
    escalated list; and so do the percentiles of hours (not additive). The same number of
    queries both ways."""
    now = now or timezone.now()
    open_ = complaints.filter(state__in=OPEN_STATES)
    by_state = dict(open_.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    deadline = open_.aggregate(
        breached=Count("pk", filter=breached_q(now)),
        due_soon=Count("pk", filter=due_soon_q(now) & ~breached_q(now)),
        paused=Count("pk", filter=Q(state=Complaint.State.WAITING)),  # clocks stopped
        major=Count("pk", filter=Q(severity=Severity.CRITICAL)),
        total=Count("pk"),
    )
    by_deadline = {
        "on_time": deadline["total"] - deadline["breached"] - deadline["due_soon"] - deadline["paused"],
        "due_soon": deadline["due_soon"],
        "breached": deadline["breached"],
        "paused": deadline["paused"],
    }
    received = complaints.filter(received_at__gte=start, received_at__lt=end)
    times = hour_percentiles(
        received,
        {"first_response": ("received_at", "acknowledged_at"), "resolution": ("received_at", "resolved_at")},
    )
    if rollups is None:
        counted = _complaints_counted(received, now)
    else:
        first_day, end_day = (timezone.localtime(moment).date() for moment in (start, end))
        labels = {
            "category_id": localized("category__name"),
            "severity": F("severity"),
            "client__tier_id": localized("tier__name"),
            "owner_id": F("owner__username"),
        }
        counted = complaint_figures(rollups, received, first_day, end_day, now, labels)
    tables = {
        lookup: [Breakdown(str(label or "—"), key, total, breached, due) for key, label, total, breached, due in rows]
        for lookup, rows in counted.breakdowns.items()
    }
    severity_labels = dict(Complaint._meta.get_field("severity").choices)
    for row in tables["severity"]:
        row.label = str(severity_labels.get(row.key, row.key))
    names = User.objects.in_bulk([row.key for row in tables["owner_id"]])  # display names, not logins
    for row in tables["owner_id"]:
        row.label = str(names.get(row.key, row.label))
    # Only what the board shows: the figures are kept in the cache (no password hashes there).
    escalated = list(
        open_.filter(level__gt=0)
        .select_related("client", "owner")
        .only("number", "level", "client__name", "owner__username", "owner__first_name", "owner__last_name")
        .order_by("-level", "resolution_due")[:20]
    )
    return ComplaintDashboard(
        by_state=by_state,
        by_deadline=by_deadline,
        received=counted.received,
        first_response_breached=counted.first_response[0],
        first_response_total=counted.first_response[1],
        resolution_breached=counted.resolution[0],
        resolution_total=counted.resolution[1],
        on_site_breached=counted.on_site[0],
        on_site_total=counted.on_site[1],
        major_open=deadline["major"],
        first_response_times=times["first_response"],
        resolution_times=times["resolution"],
        by_category=tables["category_id"],
        by_severity=tables["severity"],
        by_tier=tables["client__tier_id"],
        by_owner=tables["owner_id"],
        per_week=counted.per_week,
        escalated=escalated,
    )


def _complaints_counted(received: QuerySet, now: datetime) -> ComplaintFigures:
    """The month's counts, breach rates, breakdowns and weekly trend from the raw rows (the
    rule the rollups are checked against). Six queries."""
    rates = received.aggregate(
        total=Count("pk"),
        fr_breached=Count("pk", filter=first_response_breached_q(now)),
        fr_due=Count("pk", filter=Q(acknowledged_at__isnull=False) | Q(first_response_due__lt=now)),
        res_breached=Count("pk", filter=resolution_breached_q(now)),
        res_due=Count("pk", filter=Q(resolved_at__isnull=False) | Q(resolution_due__lt=now)),
        os_breached=Count("pk", filter=on_site_breached_q(now)),
        os_due=Count(
            "pk", filter=Q(on_site_due__isnull=False) & (Q(on_site_at__isnull=False) | Q(on_site_due__lt=now))
        ),
    )

    def breakdown(lookup: str, label) -> list[tuple]:
        # The label: a field, or an expression (a name in the reader's language, crm/i18n.py).
        rows = (
            received.values(lookup, label=F(label) if isinstance(label, str) else label)
            .annotate(
                total=Count("pk"),
                breached=Count("pk", filter=resolution_breached_q(now)),
                due=Count("pk", filter=Q(resolved_at__isnull=False) | Q(resolution_due__lt=now)),
            )
            .order_by("-total", lookup)
        )
        return [(row[lookup], row["label"], row["total"], row["breached"], row["due"]) for row in rows]

    per_week = [
        (timezone.localtime(week).date() if isinstance(week, datetime) else week, n)
        for week, n in received.annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
        .values_list("week", "n")
    ]
    return ComplaintFigures(
        received=rates["total"],
        first_response=(rates["fr_breached"], rates["fr_due"]),
        resolution=(rates["res_breached"], rates["res_due"]),
        on_site=(rates["os_breached"], rates["os_due"]),
        breakdowns={
            "category_id": breakdown("category_id", localized("category__name")),
            "severity": breakdown("severity", "severity"),
            "client__tier_id": breakdown("client__tier_id", localized("client__tier__name")),
            "owner_id": breakdown("owner_id", "owner__username"),
        },
        per_week=per_week,
    )


# --- satisfaction ---------------------------------------------------------------------------


@dataclass
class SatisfactionDashboard:
    total: Score
    by_owner: list[tuple[int, str, Score, int | None]]  # owner id, name, score, target
    by_team: list[tuple[str, Score]]
    by_tier: list[tuple[str, Score]]
    by_month: list[tuple[date, Score]]
    lowest: list[tuple[Client, Score]]


def satisfaction_dashboard(
    responses: QuerySet, managers: QuerySet, month: date, rollups: QuerySet | None = None
) -> SatisfactionDashboard:
    """CSAT and NPS for the month by manager (with the plan's target), team and tier; the
    last six months; the lowest-scoring clients of the month. ``rollups``: the survey
    rollups narrowed as ``responses`` are (``rollups.SurveyMonth``), read for the scores
    instead of the answers; the lowest-scoring clients are ranked from the answers."""
    month = month_start(month)
    scores = month_scores(responses, month) if rollups is None else rollup_month_scores(rollups, responses, month)
    names = {user.pk: str(user) for user in managers}
    targets = dict(
        MonthlyPlan.objects.filter(
            owner_id__in=list(names), month=month, status=MonthlyPlan.Status.APPROVED
        ).values_list("owner_id", "satisfaction_target")
    )
    # Answers about clients now in scope that were earned by someone outside it are shown
    # together, without that person's name.
    by_owner = [
        (pk if pk in names else None, names.get(pk, _("Earlier account managers")), score, targets.get(pk))
        for pk, score in scores.by_owner
    ]
    rated = lowest_by(scores.in_month, "client_id", 10)
    clients = Client.objects.only("name").in_bulk([client_id for client_id, _score in rated])
    lowest = [(clients[client_id], score) for client_id, score in rated]
    return SatisfactionDashboard(
        total=scores.total,
        by_owner=by_owner,
        by_team=scores.by_team,
        by_tier=scores.by_tier,
        by_month=scores.by_month,
        lowest=lowest,
    )


# --- the quarterly visit report ------------------------------------------------------------

QUARTER_FORMAT = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return (self.next.start if self.number < 4 else date(self.year + 1, 1, 1)) - timedelta(days=1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def parse_quarter(value: str | None, today: date) -> Quarter:
    """``2026-Q4`` from the URL; anything else (missing, malformed, out of range) is the
    quarter of ``today``."""
    match = QUARTER_FORMAT.match(value or "")
    if match and 2000 <= int(match[1]) <= 2100:
        return Quarter(int(match[1]), int(match[2]))
    return Quarter(today.year, (today.month - 1) // 3 + 1)


@dataclass(frozen=True)
class QuarterTotal:
    owner: User
    visits: int
    clients: int
    opinions: int
    checklist_missed: int = 0


def quarterly_visits(logs: QuerySet[VisitLog], quarter: Quarter) -> tuple[QuerySet[VisitLog], list[QuarterTotal]]:
    """For leadership each quarter (SPEC "Who visits, follows up"): the visit logs that
    record the client's opinions or suggestions, with how each was handled (the visit's
    effect and next follow-up), and per account manager the visits logged, the clients
    visited, the opinions recorded and the checklist items not done. ``logs`` is already
    limited to the viewer's scope. Three queries, plus the rows when they are read."""
    logs = logs.filter(date__range=(quarter.start, quarter.end))
    rows = logs.exclude(opinions="").select_related("client", "owner").order_by("date", "client__name", "pk")
    counts = list(
        logs.order_by()
        .values("owner_id")
        .annotate(
            visits=Count("pk"),
            clients=Count("client_id", distinct=True),
            opinions=Count("pk", filter=~Q(opinions="")),
        )
    )
    owners = User.objects.in_bulk([row["owner_id"] for row in counts])
    missed = checklist_missed(logs)
    totals = [
        QuarterTotal(
            owners[row["owner_id"]], row["visits"], row["clients"], row["opinions"], missed.get(row["owner_id"], 0)
        )
        for row in counts
    ]
    totals.sort(key=lambda total: (str(total.owner), total.owner.pk))
    return rows, totals
