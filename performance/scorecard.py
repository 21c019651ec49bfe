"""The monthly scorecard of account managers (SPEC "Performance of account managers"):
visit plan completion, coverage and punctuality; new clients; requests and complaints
handled on time; return visits; satisfaction; weighted into one score.

``scorecards`` computes every figure for any number of managers in a fixed number of
grouped queries; ``records`` gives the rows behind one figure of one manager.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.scoping import ScopePaths, scope_paths_of
from clients.models import Client, OwnerChange
from complaints.models import Complaint, ReturnVisit
from crm.numbers import percentile
from inspections import rules as inspection_rules
from inspections.models import SpotCheck
from inspections.selectors import spot_check_scores, spot_checks_of
from interactions.models import Interaction
from interactions.services import ANSWERED_IN_TIME
from surveys.models import Response
from visits import rules as visit_rules
from visits.models import MonthlyPlan, PlanLine, PlannedVisit, VisitLog
from visits.selectors import counted_visits, coverage, visit_counts
from workdays.selectors import working_days

from .models import ScorecardWeights

# In the order the seed's scorecard groups them: visits, development, daily work,
# attendance and client care, then satisfaction.
FIGURES: dict[str, Promise] = {
    "plan_completion": _("Visit plan completion"),
    "coverage": _("Coverage"),
    "new_clients": _("New clients"),
    "requests_on_time": _("Requests answered on time"),
    "complaints_on_time": _("Complaints resolved on time"),
    "punctuality": _("Punctuality"),
    "return_visits": _("Return visits done"),
    "satisfaction": _("Satisfaction"),
    "spot_checks": _("Spot checks"),
}
# Figures counted only when an admin gives them a weight; with weight 0 the scorecard
# neither computes nor shows them.
OPTIONAL_FIGURES = frozenset({"spot_checks"})


def shown_figures(weights: ScorecardWeights) -> list[str]:
    """The figures on the scorecard, in order: every one, but an optional figure only
    with a weight."""
    return [code for code in FIGURES if code not in OPTIONAL_FIGURES or getattr(weights, code)]


@dataclass(frozen=True)
class Period:
    """A month, counted up to ``until`` (today for the month under way)."""

    month: date
    until: date
    now: datetime

    @classmethod
    def of(cls, month: date, now: datetime | None = None) -> Period:
        now = now or timezone.now()
        month = visit_rules.month_start(month)
        until = min(visit_rules.month_end(month), timezone.localdate(now))
        return cls(month=month, until=until, now=now)

    @property
    def started(self) -> bool:
        return self.until >= self.month

    @property
    def start(self) -> datetime:
        return visit_rules.day_start(self.month)

    @property
    def stop(self) -> datetime:
        """The end of the counted timestamps: the month's end, or now."""
        return min(visit_rules.day_start(visit_rules.next_month(self.month)), self.now)


@dataclass
class Figure:
    code: str
    weight: int
    numerator: int = 0
    denominator: int = 0
    rate: float | None = None  # 0..1, None without data
    median_hours: float | None = None  # complaints: median time to resolve

    @property
    def label(self):
        return FIGURES[self.code]

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(100 * self.rate, 1)


@dataclass
class Scorecard:
    manager: User
    period: Period
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """Σ weight × rate ÷ Σ weight over the figures with data, 0–100 with one decimal:
        a figure without data (no complaints this month) neither helps nor hurts."""
        counted = [f for f in self.figures.values() if f.rate is not None and f.weight]
        total = sum(f.weight for f in counted)
        if not total:
            return None
        return round(100 * sum(f.weight * f.rate for f in counted) / total, 1)


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def punctual(day: date, appointment: time, checked_in_at: datetime, minutes: int | None = None) -> bool:
    """Checked in within N minutes of the appointment (its day and time, local time)."""
    minutes = settings.CRM_PUNCTUALITY_MINUTES if minutes is None else minutes
    planned = timezone.make_aware(datetime.combine(day, appointment))
    return abs(checked_in_at - planned) <= timedelta(minutes=minutes)


# --- the rows behind each figure (also what ``records`` lists) ---------------------------


def plan_visits(ids, period: Period) -> QuerySet[PlannedVisit]:
    """Planned visits of the month so far, as every page counts them
    (``visits.selectors.visit_counts``): the rows behind plan completion."""
    return counted_visits(owners=ids, month=period.month, until=period.until, today=timezone.localdate(period.now))


def plan_lines(ids, period: Period) -> QuerySet[PlanLine]:
    return PlanLine.objects.filter(
        plan__owner_id__in=ids, plan__month=period.month, plan__status=MonthlyPlan.Status.APPROVED
    )


def timed_visit_logs(ids, period: Period) -> QuerySet[VisitLog]:
    return VisitLog.objects.filter(
        owner_id__in=ids,
        date__range=(period.month, period.until),
        checked_in_at__isnull=False,
        planned_visit__appointment_time__isnull=False,
    )


def developed(ids, period: Period) -> QuerySet[OwnerChange]:
    """Clients a manager brought in this month: created with them as the first account
    manager (an import or a hand-over is not development)."""
    return OwnerChange.objects.filter(
        from_owner__isnull=True, to_owner_id__in=ids, changed_at__gte=period.start, changed_at__lt=period.stop
    )


def new_clients(ids, period: Period) -> QuerySet[Client]:
    return Client.objects.filter(pk__in=developed(ids, period).values("client_id"))


def requests_due(ids, period: Period) -> QuerySet[Interaction]:
    """Requests whose reply was due this month, once answered or past due."""
    return Interaction.objects.filter(
        owner_id__in=ids, is_request=True, reply_due__gte=period.start, reply_due__lt=period.stop
    ).filter(Q(replied_at__isnull=False) | Q(reply_due__lte=period.now))


def complaints_resolved(ids, period: Period) -> QuerySet[Complaint]:
    return Complaint.objects.filter(owner_id__in=ids, resolved_at__gte=period.start, resolved_at__lt=period.stop)


def return_visits_due(ids, period: Period) -> QuerySet[ReturnVisit]:
    return ReturnVisit.objects.filter(owner_id__in=ids, due_date__range=(period.month, period.until))


def survey_responses(ids, period: Period) -> QuerySet[Response]:
    return Response.objects.filter(owner_id__in=ids, submitted_at__gte=period.start, submitted_at__lt=period.stop)


# --- the figures ---------------------------------------------------------------------------


def _grouped(queryset: QuerySet, owner: str, **aggregates) -> dict[int, dict]:
    rows = queryset.order_by().values(owner).annotate(**aggregates)
    return {row[owner]: row for row in rows}


def scorecards(managers, month: date, *, now: datetime | None = None) -> list[Scorecard]:
    """One scorecard per manager for the month, in the managers' order. Ten queries
    whatever the number of managers (one grouped query per figure, one for the weights),
    and one more for spot checks when they have a weight."""
    people = list(managers)
    ids = [user.pk for user in people]
    period = Period.of(month, now)
    weights = ScorecardWeights.get()
    shown = shown_figures(weights)
    cards = {
        user.pk: Scorecard(user, period, {code: Figure(code, getattr(weights, code)) for code in shown})
        for user in people
    }
    if not ids or not period.started:
        return list(cards.values())

    def put(code: str, owner_id: int, numerator: int, denominator: int) -> None:
        figure = cards[owner_id].figures[code]
        figure.numerator, figure.denominator = numerator, denominator
        figure.rate = ratio(numerator, denominator)

    today = timezone.localdate(period.now)
    for owner_id, counted in visit_counts(owners=ids, month=period.month, until=period.until, today=today).items():
        if counted.planned:
            put("plan_completion", owner_id, counted.done, counted.planned)

    covered, in_plan = coverage(ids, period.month, period.until)
    for owner_id, total in in_plan.items():
        put("coverage", owner_id, covered.get(owner_id, 0), total)

    punctuality: dict[int, list[int]] = {}
    for owner_id, day, appointment, checked_in_at in timed_visit_logs(ids, period).values_list(
        "owner_id", "planned_visit__date", "planned_visit__appointment_time", "checked_in_at"
    ):
        counts = punctuality.setdefault(owner_id, [0, 0])
        counts[0] += punctual(day, appointment, checked_in_at)
        counts[1] += 1
    for owner_id, (on_time, total) in punctuality.items():
        put("punctuality", owner_id, on_time, total)

    target = weights.new_clients_target
    created = _grouped(developed(ids, period), "to_owner_id", n=Count("client_id", distinct=True))
    for owner_id, card in cards.items():
        figure = card.figures["new_clients"]
        figure.numerator = created.get(owner_id, {}).get("n", 0)
        figure.denominator = target
        figure.rate = min(figure.numerator / target, 1.0) if target else None

    for owner_id, row in _grouped(
        requests_due(ids, period),
        "owner_id",
        total=Count("pk"),
        on_time=Count("pk", filter=ANSWERED_IN_TIME),
    ).items():
        put("requests_on_time", owner_id, row["on_time"], row["total"])

    resolved: dict[int, list] = {}
    for owner_id, received_at, resolved_at, due in complaints_resolved(ids, period).values_list(
        "owner_id", "received_at", "resolved_at", "resolution_due"
    ):
        resolved.setdefault(owner_id, []).append((resolved_at <= due, (resolved_at - received_at).total_seconds()))
    for owner_id, rows in resolved.items():
        put("complaints_on_time", owner_id, sum(on_time for on_time, _hours in rows), len(rows))
        median = percentile([seconds / 3600 for _on_time, seconds in rows], 0.5)
        cards[owner_id].figures["complaints_on_time"].median_hours = None if median is None else round(median, 1)

    for owner_id, row in _grouped(
        return_visits_due(ids, period),
        "owner_id",
        total=Count("pk"),
        done=Count("pk", filter=Q(done_at__isnull=False)),
    ).items():
        put("return_visits", owner_id, row["done"], row["total"])

    for owner_id, row in _grouped(
        survey_responses(ids, period), "owner_id", ratings=Sum("ratings"), satisfied=Sum("satisfied_ratings")
    ).items():
        put("satisfaction", owner_id, row["satisfied"] or 0, row["ratings"] or 0)

    if weights.spot_checks:
        # Points scored out of the points possible: the average score as a share.
        for owner_id, (total, count) in spot_check_scores(ids, period.month, period.until).items():
            figure = cards[owner_id].figures["spot_checks"]
            figure.numerator, figure.denominator = total, inspection_rules.MAX_SCORE * count
            figure.rate = inspection_rules.spot_check_rate_of(total, count)

    return list(cards.values())


# --- the records behind a figure -----------------------------------------------------------

# How each figure's rows reach their client ("" for the clients themselves): a record is seen
# with its client, by the client's declared scope paths (clients.models.ClientQuerySet).
RECORD_CLIENT = {
    "plan_completion": "client",
    "coverage": "client",
    "punctuality": "client",
    "new_clients": "",
    "requests_on_time": "client",
    "complaints_on_time": "client",
    "return_visits": "complaint__client",
    "satisfaction": "client",
    "spot_checks": None,  # a record of the manager's work, seen by its own paths
}


def record_paths(code: str) -> ScopePaths:
    """The scope paths of a figure's records: those of their client (a spot check's own)."""
    if RECORD_CLIENT[code] is None:
        return scope_paths_of(SpotCheck)
    return scope_paths_of(Client).through(RECORD_CLIENT[code])


def records(code: str, manager_id: int, period: Period) -> QuerySet:
    """The rows one figure of one manager counts, oldest first (unscoped: the view
    narrows them to the viewer's scope)."""
    ids = [manager_id]
    if code == "plan_completion":
        return plan_visits(ids, period).select_related("client").order_by("date", "client__name", "pk")
    if code == "coverage":
        logged = Q(
            client__visit_logs__owner_id=manager_id,
            client__visit_logs__date__range=(period.month, period.until),
        )
        return (
            plan_lines(ids, period)
            .select_related("client")
            .annotate(visits=Count("client__visit_logs", filter=logged))
            .order_by("client__name", "pk")
        )
    if code == "punctuality":
        return (
            timed_visit_logs(ids, period)
            .select_related("client", "planned_visit")
            .order_by("date", "checked_in_at", "pk")
        )
    if code == "new_clients":
        return new_clients(ids, period).select_related("tier").order_by("created_at", "pk")
    if code == "requests_on_time":
        return requests_due(ids, period).select_related("client").order_by("reply_due", "pk")
    if code == "complaints_on_time":
        return complaints_resolved(ids, period).select_related("client").order_by("resolved_at", "pk")
    if code == "return_visits":
        return (
            return_visits_due(ids, period).select_related("complaint", "complaint__client").order_by("due_date", "pk")
        )
    if code == "satisfaction":
        return survey_responses(ids, period).select_related("client").order_by("submitted_at", "pk")
    if code == "spot_checks":
        return (
            spot_checks_of(ids, period.month, period.until)
            .select_related("client", "checked_by")
            .order_by("date", "pk")
        )
    raise KeyError(code)


def visits_due_by_frequency(period: Period) -> dict[str, int]:
    """Visits a client of each frequency needs so far this month (as ``coverage`` counts)."""
    month_days = working_days(period.month, visit_rules.month_end(period.month))
    return {
        frequency: sum(
            1 for window in visit_rules.windows(frequency, month_days) if window and window[0] <= period.until
        )
        for frequency in (visit_rules.WEEKLY, visit_rules.TWICE_MONTHLY, visit_rules.MONTHLY)
    }


def annotate_records(code: str, rows: list, period: Period) -> list:
    """Per-row verdicts for the records page (no queries)."""
    if code == "coverage":
        due = visits_due_by_frequency(period)
        elapsed = bool(working_days(period.month, period.until))
        for line in rows:
            line.visits_due = due.get(line.frequency, 0)
            line.covered = elapsed and line.visits >= line.visits_due
    elif code == "punctuality":
        for log in rows:
            log.appointment_at = timezone.make_aware(
                datetime.combine(log.planned_visit.date, log.planned_visit.appointment_time)
            )
            log.on_time = punctual(log.planned_visit.date, log.planned_visit.appointment_time, log.checked_in_at)
            log.minutes_off = round((log.checked_in_at - log.appointment_at).total_seconds() / 60)
    elif code == "requests_on_time":
        for request in rows:
            request.on_time = (request.replied_at is not None and request.replied_at <= request.reply_due) and (
                not request.visit_needed
                or (request.visit_planned_at is not None and request.visit_planned_at <= request.visit_due)
            )
    elif code == "complaints_on_time":
        for complaint in rows:
            complaint.on_time = complaint.resolved_at <= complaint.resolution_due
            complaint.hours = round((complaint.resolved_at - complaint.received_at).total_seconds() / 3600, 1)
    return rows
