"""The week and the day (SPEC, "The work cycle", steps 5–9): routes, the daily sheet,
visit logs, task marking, month-end results and the summaries' figures.

Reads fetch a whole week or month in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import decisions
from accounts.models import User
from clients.models import Client, Contact, VisitMethod
from complaints.models import Complaint
from complaints.selectors import open_complaints_by_client
from surveys.models import Response
from surveys.scores import summarise

from . import rules, services
from .models import (
    MonthlyPlan,
    MonthResult,
    PlanLine,
    PlannedVisit,
    ServiceStrategy,
    TemporaryTask,
    VisitLog,
    VisitPhoto,
)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def open_strategies_by_client(client_ids, months) -> dict[int, list[ServiceStrategy]]:
    """Every unfinished service strategy of these clients in these months, one query."""
    by_client: dict[int, list[ServiceStrategy]] = defaultdict(list)
    for strategy in ServiceStrategy.objects.filter(
        client__in=client_ids, month__in=months, state=ServiceStrategy.State.OPEN
    ).order_by("month", "created_at", "pk"):
        by_client[strategy.client_id].append(strategy)
    return by_client


# --- the week ---------------------------------------------------------------------------


@dataclass
class RouteDay:
    day: date
    visits: list[PlannedVisit] = field(default_factory=list)


def week_routes(owner: User, monday: date) -> list[RouteDay]:
    """The week's planned visits per day in route order, each with ``open_strategies``."""
    days = [RouteDay(monday + timedelta(days=i)) for i in range(7)]
    visits = list(
        PlannedVisit.objects.filter(owner=owner, client__owner=owner, date__range=(monday, monday + timedelta(days=6)))
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .select_related("client", "client__tier")
        .order_by("date", "route_order", "client__name")
    )
    months = {rules.month_start(v.date) for v in visits}
    strategies = open_strategies_by_client({v.client_id for v in visits}, months)
    for visit in visits:
        visit.open_strategies = strategies.get(visit.client_id, [])
        days[visit.date.weekday()].visits.append(visit)
    return days


@transaction.atomic
def save_route(owner: User, day: date, ordered_ids: list[int]) -> int:
    """Put the day's planned visits in this order; visits not listed go last."""
    visits = {
        v.pk: v
        for v in PlannedVisit.objects.filter(owner=owner, date=day).exclude(status=PlannedVisit.Status.CANCELLED)
    }
    order = [pk for pk in ordered_ids if pk in visits] + sorted(set(visits) - set(ordered_ids))
    for position, pk in enumerate(order, start=1):
        visits[pk].route_order = position
    stamp = timezone.now()
    for visit in visits.values():
        visit.updated_at = stamp
    PlannedVisit.objects.bulk_update(list(visits.values()), ["route_order", "updated_at"])
    return len(order)


# --- the day ----------------------------------------------------------------------------


def day_sheet(owner: User, day: date) -> list[PlannedVisit]:
    """Today's clients in route order with address, key persons and open strategies."""
    visits = list(
        PlannedVisit.objects.filter(owner=owner, client__owner=owner, date=day)
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .select_related("client", "client__tier", "log")
        .prefetch_related(
            Prefetch(
                "client__contacts",
                queryset=Contact.objects.filter(is_key_person=True).select_related("vip_card").order_by("name"),
                to_attr="key_persons",
            )
        )
        .order_by("route_order", "client__name")
    )
    client_ids = {v.client_id for v in visits}
    strategies = open_strategies_by_client(client_ids, [rules.month_start(day)])
    complaints = open_complaints_by_client(client_ids)
    for visit in visits:
        visit.open_strategies = strategies.get(visit.client_id, [])
        visit.open_complaints = complaints.get(visit.client_id, [])
    return visits


def _require_loggable(owner: User, day: date) -> None:
    if services.approved_plan(owner, day) is None:
        raise ValidationError(
            _("There is no approved monthly plan for %(month)s: visits can be logged once it is approved.")
            % {"month": f"{day:%Y-%m}"}
        )


@transaction.atomic(savepoint=False)
def advance_last_visit(client: Client, day: date) -> None:
    """Move the client's last visit forward to ``day``, never back. Read again under a row
    lock, so two visits saved at the same time cannot move it backwards; the early-warning
    retention visits, overdue clients and dashboards all go by this date."""
    if client.last_visited_on is not None and client.last_visited_on >= day:
        return
    current = Client.objects.select_for_update().values_list("last_visited_on", flat=True).get(pk=client.pk)
    if current is not None and current >= day:
        client.last_visited_on = current
        return
    client.last_visited_on = day
    client._change_reason = _("Visit logged")
    # Only these fields: an edit or a hand-over saved meanwhile must not be undone.
    client.save(update_fields=["last_visited_on", "next_visit_due", "updated_at"])


@transaction.atomic
def log_visit(
    *,
    owner: User,
    client: Client,
    submission: str,
    day: date,
    method: str,
    work_done: str,
    planned_visit: PlannedVisit | None = None,
    strategy_ids: list[int] | tuple = (),
    photos=(),
    checked_in_at: datetime | None = None,
    on_created: Callable[[VisitLog], object] | None = None,
    **details,
) -> tuple[VisitLog, bool]:
    """Record a visit; returns (log, created). The same submission saved twice (a double
    tap, a retry on a bad network) returns the first log instead of a second one.

    Ticked strategies are closed, the planned visit is marked done (★) and the client's
    last visit moves forward. A visit that was not planned is a temporary task (●).
    ``on_created(log)`` runs in the same transaction when a new log was saved (what else
    the visit brought, e.g. a request taken on it), so the caller needs no transaction of
    its own.
    """
    if not submission:
        raise ValidationError(_("The form expired; open it again."))
    existing = VisitLog.objects.filter(submission=submission).first()
    if existing is not None:
        if existing.owner_id != owner.pk:
            raise PermissionDenied
        return existing, False
    if client.owner_id != owner.pk:
        raise PermissionDenied
    if day > timezone.localdate():
        raise ValidationError({"date": _("A visit cannot be logged for a day that has not come yet.")})
    _require_loggable(owner, day)
    if planned_visit is None:
        planned_visit = (
            PlannedVisit.objects.filter(
                owner=owner,
                client=client,
                date=day,
                status__in=[PlannedVisit.Status.PLANNED, PlannedVisit.Status.MISSED],
            )
            .exclude(log__isnull=False)
            .first()
        )
    elif planned_visit.client_id != client.pk or planned_visit.owner_id != owner.pk:
        raise PermissionDenied
    elif hasattr(planned_visit, "log"):
        raise ValidationError(_("This planned visit already has a log."))
    if planned_visit is not None and planned_visit.checked_in_at:
        checked_in_at = planned_visit.checked_in_at  # the check-in on site beats the form's opening time
    if settings.CRM_VISIT_PHOTO_REQUIRED and method == VisitMethod.ON_SITE and not photos:
        raise ValidationError({"photos": _("Add at least one photo of the visit on site.")})
    strategies = list(
        ServiceStrategy.objects.filter(
            pk__in=strategy_ids, client=client, month=rules.month_start(day), state=ServiceStrategy.State.OPEN
        )
    )
    try:
        with transaction.atomic():
            log = VisitLog.objects.create(
                owner=owner,
                client=client,
                planned_visit=planned_visit,
                submission=submission,
                date=day,
                method=method,
                work_done=work_done,
                checked_in_at=checked_in_at,
                is_temporary=planned_visit is None,
                **details,
            )
    except IntegrityError:
        # The same submission raced in from a second request, or another tab logged this
        # planned visit first.
        raced = VisitLog.objects.filter(submission=submission, owner=owner).first()
        if raced is None:
            raise ValidationError(_("This planned visit already has a log.")) from None
        return raced, False
    for strategy in strategies:
        strategy.mark_done(owner)
        strategy.save()
    if strategies:  # a new log has none yet: nothing to look up or record otherwise
        log.completed_strategies.set(strategies)
    for photo in photos:
        VisitPhoto.objects.create(log=log, image=photo)
    if planned_visit is not None:
        planned_visit.status = PlannedVisit.Status.DONE
        planned_visit.save(update_fields=["status"])
    advance_last_visit(client, day)
    if on_created is not None:
        on_created(log)
    return log, True


@transaction.atomic
def mark_visit(visit: PlannedVisit, *, by: User, done: bool | None) -> PlannedVisit:
    """★ done, not done, or back to planned; a visit with a log stays done."""
    if visit.owner_id != by.pk:
        raise PermissionDenied
    if hasattr(visit, "log"):
        raise ValidationError(_("This visit has a log, so it is done."))
    visit.status = {True: PlannedVisit.Status.DONE, False: PlannedVisit.Status.MISSED}.get(
        done, PlannedVisit.Status.PLANNED
    )
    visit.save(update_fields=["status"])
    return visit


def add_temporary_task(*, owner: User, day: date, description: str, client: Client | None = None) -> TemporaryTask:
    if client is not None and client.owner_id != owner.pk:
        raise PermissionDenied
    return TemporaryTask.objects.create(owner=owner, date=day, description=description, client=client)


# --- figures ------------------------------------------------------------------------------


@dataclass
class Progress:
    month: date
    until: date
    visits_planned: int = 0
    visits_done: int = 0
    visits_planned_to_date: int = 0
    visits_done_to_date: int = 0
    temporary_tasks: int = 0
    clients_in_plan: int = 0
    clients_covered: int = 0  # visited at least as often as their frequency asks so far
    strategies_total: int = 0
    strategies_done: int = 0
    satisfaction_target: int | None = None
    satisfaction_achieved: float | None = None  # CSAT of the month's survey answers so far
    complaints_handled: int | None = None  # filled in once complaints exist

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def visit_completion(self) -> int | None:
        return self.share(self.visits_done_to_date, self.visits_planned_to_date)

    @property
    def coverage(self) -> int | None:
        return self.share(self.clients_covered, self.clients_in_plan)

    @property
    def strategy_completion(self) -> int | None:
        return self.share(self.strategies_done, self.strategies_total)


def coverage(owner_ids, month: date, until: date, restrict=None) -> tuple[dict[int, int], dict[int, int]]:
    """Per manager: clients of the approved plan visited at least as often as their
    frequency asks so far this month, and clients in the plan (two queries for any number
    of managers; ``owner_ids=None``: every manager). ``restrict(queryset, prefix)`` narrows
    the visits and plan lines further (the dashboards pass the viewer's scope)."""
    restrict = restrict or (lambda queryset, prefix: queryset)
    end = rules.month_end(month)
    elapsed = rules.working_days(month, until)
    month_days = rules.working_days(month, end)
    # Visits due so far per frequency: one per window that has fully or partly passed.
    due = {
        frequency: sum(1 for window in rules.windows(frequency, month_days) if window and window[0] <= until)
        for frequency in (rules.WEEKLY, rules.TWICE_MONTHLY, rules.MONTHLY)
    }

    def owners(field: str) -> dict:
        return {} if owner_ids is None else {f"{field}__in": owner_ids}

    # Counted in the database: a company's plan has a hundred thousand lines.
    logs = (
        restrict(VisitLog.objects.filter(date__range=(month, until), **owners("owner_id")), "client__")
        .order_by()
        .values("owner_id", "client_id")
        .annotate(n=Count("*"))
    )
    lines = (
        restrict(
            PlanLine.objects.filter(
                plan__month=month, plan__status=MonthlyPlan.Status.APPROVED, **owners("plan__owner_id")
            ),
            "client__",
        )
        .order_by()
        .annotate(plan_owner=F("plan__owner_id"))
        .values("plan_owner", "client_id", "frequency")
    )
    try:
        lines_sql, lines_params = lines.query.sql_with_params()
    except EmptyResultSet:  # e.g. a scope or a list of managers that is empty
        return {}, {}
    try:
        logs_sql, logs_params = logs.query.sql_with_params()
    except EmptyResultSet:
        logs_sql, logs_params = "SELECT 0 AS owner_id, 0 AS client_id, 0 AS n WHERE 1 = 0", ()
    cases = " ".join("WHEN line.frequency = %s THEN %s" for _ in due)
    if owner_ids is None:
        # Company-wide: a hash join of the plan lines and the visit counts (a hundred thousand
        # each, well estimated).
        sql = (
            "SELECT line.plan_owner, COUNT(*), "  # noqa: S608 (our own compiled querysets and placeholders)
            f"COUNT(*) FILTER (WHERE COALESCE(logged.n, 0) >= CASE {cases} ELSE 0 END) "
            f"FROM ({lines_sql}) line LEFT JOIN ({logs_sql}) logged "
            "ON logged.owner_id = line.plan_owner AND logged.client_id = line.client_id GROUP BY line.plan_owner"
        )
    else:
        # Some managers: lines (with the visits each needs) and visit counts stacked and
        # grouped by (manager, client). Joined, the planner misjudged a team's few thousand
        # rows and compared millions of pairs (108 ms for a team; 26 ms this way).
        sql = (
            "SELECT pair.owner, COUNT(*), COUNT(*) FILTER (WHERE pair.n >= pair.due) FROM ("  # noqa: S608 (as above)
            "SELECT part.owner, part.client, MAX(part.due) AS due, SUM(part.n) AS n FROM ("
            f"SELECT line.plan_owner AS owner, line.client_id AS client, CASE {cases} ELSE 0 END AS due, 0 AS n "
            f"FROM ({lines_sql}) line UNION ALL "
            f"SELECT logged.owner_id, logged.client_id, NULL, logged.n FROM ({logs_sql}) logged"
            ") part GROUP BY part.owner, part.client HAVING MAX(part.due) IS NOT NULL"
            ") pair GROUP BY pair.owner"
        )
    params = [value for pair in due.items() for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *lines_params, *logs_params])
        counted = cursor.fetchall()
    in_plan = {owner_id: total for owner_id, total, _covered in counted}
    # Nothing is covered before the month's first working day.
    covered = {owner_id: n for owner_id, _total, n in counted if n and elapsed}
    return dict(covered), dict(in_plan)


def month_progress(owner: User, month: date, until: date | None = None) -> Progress:
    """The month's targets and progress up to ``until`` (default: today, capped to the month)."""
    month = rules.month_start(month)
    end = rules.month_end(month)
    until = min(max(until or timezone.localdate(), month - timedelta(days=1)), end)
    progress = Progress(month=month, until=until)
    done, planned = PlannedVisit.Status.DONE, [PlannedVisit.Status.PLANNED, PlannedVisit.Status.MISSED]
    visits = PlannedVisit.objects.filter(owner=owner, client__owner=owner, date__range=(month, end)).aggregate(
        planned=Count("pk", filter=Q(status__in=[done, *planned])),
        done=Count("pk", filter=Q(status=done)),
        planned_to_date=Count("pk", filter=Q(status__in=[done, *planned], date__lte=until)),
        done_to_date=Count("pk", filter=Q(status=done, date__lte=until)),
    )
    progress.visits_planned = visits["planned"]
    progress.visits_done = visits["done"]
    progress.visits_planned_to_date = visits["planned_to_date"]
    progress.visits_done_to_date = visits["done_to_date"]
    progress.temporary_tasks = TemporaryTask.objects.filter(owner=owner, date__range=(month, until)).count() + (
        VisitLog.objects.filter(owner=owner, date__range=(month, until), is_temporary=True).count()
    )
    strategies = (
        ServiceStrategy.objects.filter(client__owner=owner, month=month)
        .exclude(state=ServiceStrategy.State.DISMISSED)
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(state=ServiceStrategy.State.DONE)))
    )
    progress.strategies_total, progress.strategies_done = strategies["total"], strategies["done"]
    progress.complaints_handled = Complaint.objects.filter(owner=owner, resolved_at__date__range=(month, until)).count()
    progress.satisfaction_achieved = summarise(
        Response.objects.filter(owner=owner, submitted_at__date__range=(month, until))
    ).csat
    plan = MonthlyPlan.objects.filter(owner=owner, month=month, status=MonthlyPlan.Status.APPROVED).first()
    if plan is not None:
        progress.satisfaction_target = plan.satisfaction_target
        covered, in_plan = coverage([owner.pk], month, until)
        progress.clients_covered, progress.clients_in_plan = covered.get(owner.pk, 0), in_plan.get(owner.pk, 0)
    return progress


# --- month-end results --------------------------------------------------------------------


def result_for(owner: User, month: date) -> MonthResult:
    result, _created = MonthResult.objects.get_or_create(
        owner=owner, month=rules.month_start(month), defaults={"team_id": owner.team_id}
    )
    return result


def _transition(result: MonthResult, comment: str = "") -> None:
    # Results share the plan's statuses; their history is kept by simple-history
    # (who, when, status, comment) rather than a second transitions table.
    result._change_reason = comment or result.get_status_display()
    result.save()


@transaction.atomic
def save_result(result: MonthResult, *, by: User, **fields) -> MonthResult:
    if by.pk != result.owner_id:
        raise PermissionDenied
    if not result.is_editable:
        raise ValidationError(_("These results are submitted and can no longer be changed."))
    for name, value in fields.items():
        setattr(result, name, value)
    result.save()
    return result


@transaction.atomic
def submit_result(result: MonthResult, *, by: User) -> MonthResult:
    save_result(result, by=by)
    result.status = MonthlyPlan.Status.SUBMITTED
    result.submitted_at = timezone.now()
    result.team_id = result.owner.team_id  # reviewed by the team the manager is in now
    _transition(result)
    return result


RESULT_DECISION = decisions.Flow(
    kind="visits.result_decided",
    requester="owner",
    team="team",
    pending=MonthlyPlan.Status.SUBMITTED,
    approved=MonthlyPlan.Status.APPROVED,
    rejected=MonthlyPlan.Status.RETURNED,
    describe=lambda result: _("month results %(month)s") % {"month": f"{result.month:%Y-%m}"},
    not_pending=gettext_lazy("Only submitted results can be reviewed."),
    comment_needed=gettext_lazy("Say what the manager should change."),
    denied=gettext_lazy("Only the supervisor of this manager's team reviews the results."),
)


def can_review(user: User, result: MonthResult) -> bool:
    return decisions.may_decide(result, user, RESULT_DECISION)


@transaction.atomic
def review_result(result: MonthResult, *, by: User, approve: bool, comment: str = "") -> MonthResult:
    decisions.decide(result, flow=RESULT_DECISION, by=by, approve=approve, comment=comment)
    return result
