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

from datetime import date, timedelta

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.i18n import localized
from surveys.scores import Score
from surveys.selectors import MonthScores
from visits.rules import month_bounds, month_end, month_start
from visits.selectors import VisitCounts

from .models import SCORE_SUMS, SurveyMonth, VisitDay


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
