"""The boards' figures read from the rollups. Visits: the same numbers as
``visits.selectors.visit_counts`` (the rule, and the reference the tests compare with) and
the per-day visit logs, from thousands of rollup rows rather than every visit of the month.

``restrict(queryset, prefix)`` is the viewer's scope (``dashboards.selectors.seen_with_client``):
a rollup row carries its clients' owner and team (``VisitDayQuerySet.scope_paths``), so the
scope module filters it exactly as it filters the visits themselves. A temporary task
without a client is its manager's own, in every scope that lists the manager (as in
``visit_counts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.models import DEADLINE_NOT_MET
from complaints.selectors import first_response_breached_q, on_site_breached_q, resolution_breached_q
from crm.i18n import localized
from surveys.scores import Score
from surveys.selectors import MonthScores
from visits.rules import month_bounds, month_end, month_start
from visits.selectors import VisitCounts, visits_due

from .models import FIGURE_SUMS, SCORE_SUMS, ComplaintDay, FigureMonth, PlanCoverage, SurveyMonth, VisitDay


def _identity(queryset: QuerySet, prefix: str) -> QuerySet:
    return queryset


def _total(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition), Value(0), output_field=IntegerField())


def _in_scope(rows: QuerySet, owner_ids, restrict) -> QuerySet:
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    return restrict(rows.filter(client_owner__isnull=False), "")


def visit_counts(
    *, owners, month: date, until: date, today: date | None = None, restrict=None
) -> dict[int, VisitCounts]:
    """Per manager (by id), as ``visits.selectors.visit_counts`` counts them (see its rules:
    whose visit, cancellations, temporary tasks, the cut-off), from the rollups. One query."""
    restrict = restrict or _identity
    month = month_start(month)
    today = today or timezone.localdate()
    owner_ids = None if owners is None else [getattr(owner, "pk", owner) for owner in owners]
    rows = VisitDay.objects.filter(day__range=(month, month_end(month)))
    # An open visit counts only while its client is still its manager's (``_counted``).
    still_theirs = Q(client_owner=F("owner"))
    so_far, before_today = Q(day__lte=until), Q(day__lt=today)
    zero = Value(0, output_field=IntegerField())
    with_client = (
        _in_scope(rows, owner_ids, restrict)
        .order_by()
        .values("owner_id")
        .annotate(
            planned=_total(F("done") + F("missed"), so_far & before_today)
            + _total("planned_open", so_far & before_today & still_theirs)
            + _total("done", so_far & ~before_today),
            done_so_far=_total("done", so_far),
            planned_in_month=_total(F("done") + F("missed")) + _total("planned_open", still_theirs),
            done_in_month=_total("done"),
            temporary=_total(F("tasks") + F("unplanned"), so_far),
        )
    )
    without_client = rows.filter(client_owner__isnull=True, day__lte=until)
    if owner_ids is not None:
        without_client = without_client.filter(owner_id__in=owner_ids)
    without_client = (
        without_client.order_by()
        .values("owner_id")
        .annotate(planned=zero, done_so_far=zero, planned_in_month=zero, done_in_month=zero, temporary=_total("tasks"))
    )
    counts = {owner_id: VisitCounts() for owner_id in owner_ids or ()}
    names = ("planned", "done", "planned_in_month", "done_in_month", "temporary")
    for row in with_client.union(without_client, all=True).values_list(
        "owner_id", "planned", "done_so_far", "planned_in_month", "done_in_month", "temporary"
    ):
        found = counts.setdefault(row[0], VisitCounts())
        for name, value in zip(names, row[1:], strict=True):
            setattr(found, name, getattr(found, name) + value)
    return counts


def visits_logged_per_day(*, owners, month: date, until: date, restrict=None) -> list[tuple[date, int]]:
    """Visits logged per day from the month's start to ``until`` (days without any left
    out), by the managers who logged them (``owners=None``: everyone). One query."""
    restrict = restrict or _identity
    month = month_start(month)
    owner_ids = None if owners is None else [getattr(owner, "pk", owner) for owner in owners]
    rows = _in_scope(VisitDay.objects.filter(day__range=(month, until), logged__gt=0), owner_ids, restrict)
    return list(rows.order_by().values("day").annotate(n=Sum("logged")).order_by("day").values_list("day", "n"))


def visited_and_checklist(*, owners, month: date, until: date, restrict=None) -> tuple[dict[int, int], dict[int, int]]:
    """From the month's start to ``until``: the distinct active clients visited, by the
    clients' current manager (``owners``: of those managers' clients; ``None``: everyone's),
    and the checklist items of the visit logs not done, by the manager who logged them
    (``owners``: those managers). The same numbers as the visit board's raw counts (a log
    of ``VisitLog`` grouped by ``client__owner_id``, distinct clients; and
    ``visits.selectors.checklist_missed``). One query."""
    restrict = restrict or _identity
    month = month_start(month)
    owner_ids = None if owners is None else [getattr(owner, "pk", owner) for owner in owners]
    rows = restrict(VisitDay.objects.filter(day__range=(month, until), client_owner__isnull=False), "")
    visited = rows.filter(first_visits__gt=0)
    missed = rows.filter(checklist_missed__gt=0)
    if owner_ids is not None:
        visited, missed = visited.filter(client_owner_id__in=owner_ids), missed.filter(owner_id__in=owner_ids)
    one, two = Value(1, output_field=IntegerField()), Value(2, output_field=IntegerField())
    visited = visited.order_by().values(who=F("client_owner_id")).annotate(kind=one, n=Sum("first_visits"))
    missed = missed.order_by().values(who=F("owner_id")).annotate(kind=two, n=Sum("checklist_missed"))
    found: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for who, kind, n in visited.union(missed, all=True).values_list("who", "kind", "n"):
        found[kind - 1][who] = n
    return found


def coverage(owners, month: date, until: date, restrict=None) -> tuple[dict[int, int], dict[int, int]]:
    """``visits.selectors.coverage`` from the coverage rollups: per manager (``owners``: those
    managers; ``None``: everyone), the clients of the approved plan visited as often as their
    frequency asks so far (``visits_due``, the one rule), and the clients in the plan. A
    line of a frequency that asks n visits by ``until`` is covered when its n-th visit of
    the month was logged by then (n = 0: always, once a working day has passed). One query."""
    restrict = restrict or _identity
    month = month_start(month)
    due, elapsed = visits_due(month, until)
    owner_ids = None if owners is None else [getattr(owner, "pk", owner) for owner in owners]
    rows = restrict(PlanCoverage.objects.filter(month=month), "")
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    asked = {frequency: n for frequency, n in due.items() if n}
    covered = Q(reached=0) & ~Q(frequency__in=list(asked))
    for frequency, n in asked.items():
        covered |= Q(frequency=frequency, reached=n, day__lte=until)
    counted = (
        rows.filter(covered | Q(reached=0))
        .order_by()
        .values("owner_id")
        .annotate(in_plan=_total("lines", Q(reached=0)), covered=_total("lines", covered))
        .values_list("owner_id", "in_plan", "covered")
    )
    in_plan, found = {}, {}
    for owner_id, lines, n in counted:
        in_plan[owner_id] = lines
        if n and elapsed:
            found[owner_id] = n
    return found, in_plan


# --- survey answers -------------------------------------------------------------------------


def _score(row: dict) -> Score:
    return Score(**{name: row.get(name) or 0 for name in SCORE_SUMS})


def _scores_by(rows: QuerySet, *fields: str) -> list[tuple[tuple, Score]]:
    grouped = rows.order_by().values(*fields).annotate(**{name: Sum(name) for name in SCORE_SUMS}).order_by(*fields)
    return [(tuple(row[f] for f in fields), _score(row)) for row in grouped]


def month_scores(rows: QuerySet[SurveyMonth], responses: QuerySet, month: date) -> MonthScores:
    """``surveys.selectors.month_scores`` from the survey rollups ``rows`` (already narrowed
    to the viewer, as ``responses`` are): the same scores by manager, team, tier and for the
    last six months, in four queries; ``in_month`` stays the month's raw answers (the
    lowest-scoring clients are ranked from them, by the ``response_submitted`` index)."""
    month = month_start(month)
    start, end = month_bounds(month)
    six_months_ago = month_start(month - timedelta(days=150))
    in_month = rows.filter(month=month)
    named = in_month.annotate(team_name=localized("client_team__name"), tier_name=localized("tier__name"))
    by_owner = [(key[0], score) for key, score in _scores_by(in_month, "owner_id")]
    total = Score(**{name: sum(getattr(score, name) for _owner, score in by_owner) for name in SCORE_SUMS})
    return MonthScores(
        in_month=responses.filter(submitted_at__gte=start, submitted_at__lt=end),
        total=total,
        by_owner=by_owner,
        by_team=[(key[0] or "—", score) for key, score in _scores_by(named, "team_name")],
        by_tier=[(key[0], score) for key, score in _scores_by(named, "tier_name")],
        by_month=[
            (key[0], score) for key, score in _scores_by(rows.filter(month__range=(six_months_ago, month)), "month")
        ],
    )


# --- complaints -----------------------------------------------------------------------------

# A breakdown of the complaint board: the raw rows' lookup and the rollup's.
COMPLAINT_SPLITS = {
    "category_id": "category_id",
    "severity": "severity",
    "client__tier_id": "tier_id",
    "owner_id": "owner_id",
}


@dataclass
class ComplaintFigures:
    """The complaint board's figures for the complaints received in a month: each deadline
    as (breached, due), the breakdowns as (key, label, received, resolution breached,
    resolution due) in the board's order, and the complaints received per week."""

    received: int = 0
    first_response: tuple[int, int] = (0, 0)
    resolution: tuple[int, int] = (0, 0)
    on_site: tuple[int, int] = (0, 0)
    breakdowns: dict[str, list[tuple]] = field(default_factory=dict)
    per_week: list[tuple[date, int]] = field(default_factory=list)


def not_met_counts(received: QuerySet, now: datetime) -> dict[tuple, dict[str, int]]:
    """For the complaints of ``received`` with a deadline not met yet (a small set, read
    through the ``complaint_not_met_received`` index): each deadline breached or due now
    (``complaints.selectors``'s rules), by category, severity, client's tier and manager.
    One query."""
    not_answered = Q(acknowledged_at__isnull=True)
    not_resolved = Q(resolved_at__isnull=True)
    nobody_came = Q(on_site_due__isnull=False, on_site_at__isnull=True)
    rows = (
        received.filter(DEADLINE_NOT_MET)
        .order_by()
        .values(*COMPLAINT_SPLITS)
        .annotate(
            fr_breached=Count("pk", filter=not_answered & first_response_breached_q(now)),
            fr_due=Count("pk", filter=not_answered & Q(first_response_due__lt=now)),
            res_breached=Count("pk", filter=not_resolved & resolution_breached_q(now)),
            res_due=Count("pk", filter=not_resolved & Q(resolution_due__lt=now)),
            os_breached=Count("pk", filter=nobody_came & on_site_breached_q(now)),
            os_due=Count("pk", filter=nobody_came & Q(on_site_due__lt=now)),
        )
    )
    return {tuple(row[name] for name in COMPLAINT_SPLITS): row for row in rows}


def complaint_figures(
    rows: QuerySet[ComplaintDay], received: QuerySet, start: date, end: date, now: datetime, labels: dict
) -> ComplaintFigures:
    """What ``dashboards.figures.complaint_dashboard`` counts of the complaints received
    from ``start`` to ``end`` (days, end excluded): the met deadlines from the rollup
    ``rows`` (narrowed to the viewer as ``received`` is), the deadlines not met yet from the
    raw rows ``received`` (those received in the month), judged at ``now``. ``labels``: the
    rollup's label expression of each breakdown. Six queries, as from the raw rows."""
    rows = rows.filter(day__gte=start, day__lt=end)
    not_met = not_met_counts(received, now)
    found = ComplaintFigures()
    for position, (lookup, key) in enumerate(COMPLAINT_SPLITS.items()):
        extra = {}
        if lookup == "severity":  # every row has one: its sums are the month's totals
            extra = {name: Sum(name) for name in ("first_responses", "first_responses_late", "on_site", "on_site_late")}
        grouped = (
            rows.values(key, label=labels[lookup])
            .annotate(total=Sum("received"), breached=Sum("resolved_late"), due=Sum("resolved"), **extra)
            .order_by("-total", key)
        )
        late: dict = {}
        for split, counts in not_met.items():
            held = late.setdefault(split[position], [0, 0])
            held[0] += counts["res_breached"]
            held[1] += counts["res_due"]
        table = []
        for row in grouped:
            more = late.get(row[key], (0, 0))
            table.append((row[key], row["label"], row["total"], row["breached"] + more[0], row["due"] + more[1]))
            if extra:
                found.received += row["total"]
                found.first_response = (
                    found.first_response[0] + row["first_responses_late"],
                    found.first_response[1] + row["first_responses"],
                )
                found.on_site = (found.on_site[0] + row["on_site_late"], found.on_site[1] + row["on_site"])
                found.resolution = (found.resolution[0] + row["breached"], found.resolution[1] + row["due"])
        found.breakdowns[lookup] = table
    for counts in not_met.values():
        first, resolution, on_site = found.first_response, found.resolution, found.on_site
        found.first_response = (first[0] + counts["fr_breached"], first[1] + counts["fr_due"])
        found.resolution = (resolution[0] + counts["res_breached"], resolution[1] + counts["res_due"])
        found.on_site = (on_site[0] + counts["os_breached"], on_site[1] + counts["os_due"])
    weeks: dict[date, int] = {}
    for day, n in rows.order_by().values("day").annotate(n=Sum("received")).order_by("day").values_list("day", "n"):
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + n
    found.per_week = sorted(weeks.items())
    return found


# --- business figures -----------------------------------------------------------------------


def figure_sums_by_owner(owner_ids, months, *, restrict=None) -> list[dict]:
    """The market sums (``analysis.selectors.MARKET_SUMS``, same keys) per (client's owner,
    month) from the figure rollups, as ``analysis.selectors_summary.figures_by_owner`` reads
    them from the figures: ``owner_ids=None`` for every owner; ``restrict(queryset, "")`` the
    viewer's scope (a row carries its clients' owner and team). One query over a few rows per
    manager and month."""
    rows = FigureMonth.objects.filter(month__in=list(months))
    if owner_ids is not None:
        rows = rows.filter(client_owner_id__in=list(owner_ids))
    if restrict is not None:
        rows = restrict(rows, "")
    grouped = (
        rows.order_by()
        .values("client_owner_id", "month")
        .annotate(**{total: Sum(column) for column, total in FIGURE_SUMS.items()})
    )
    return [{"client__owner_id": row.pop("client_owner_id"), **row} for row in grouped]
