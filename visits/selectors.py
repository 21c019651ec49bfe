"""Reads of plans and visits: scoped plans and visits, the week's routes, the day's sheet,
what a visit log needs to know, and the month's figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404, scope_for
from clients.models import Client, Contact
from complaints.models import Complaint, ReturnVisit
from complaints.selectors import open_complaints_by_client
from performance.models import ClientWarning
from surveys.models import Response
from surveys.scores import summarise
from workdays.selectors import work_calendar

from . import rules
from .models import (
    MonthlyPlan,
    PlanLine,
    PlannedVisit,
    ServiceStrategy,
    TemporaryTask,
    VisitLog,
    VisitType,
    WeeklyArrangement,
    WeeklySummary,
)

# Dates outside these years are typing errors, and would overflow month arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_month(text: str | None, default: date) -> date:
    try:
        month = datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return rules.month_start(default)
    return month if MIN_YEAR <= month.year <= MAX_YEAR else rules.month_start(default)


def parse_day(text: str | None, default: date) -> date:
    try:
        day = datetime.strptime(text or "", "%Y-%m-%d").date()
    except ValueError:
        return default
    return day if MIN_YEAR <= day.year <= MAX_YEAR else default


def visible_plans(user: User) -> QuerySet[MonthlyPlan]:
    return MonthlyPlan.objects.visible_to(user).select_related("owner", "team", "decided_by")


def get_plan(user: User, pk: int) -> MonthlyPlan:
    return get_scoped_object_or_404(user, MonthlyPlan.objects.select_related("owner", "team"), pk=pk)


def awaiting_decision(user: User, queryset: QuerySet) -> QuerySet:
    """Submitted plans or month results waiting for this user (see ``is_approver``):
    a supervisor's teams, or all for an admin."""
    submitted = queryset.filter(status=MonthlyPlan.Status.SUBMITTED).select_related("owner", "team")
    if user.is_crm_admin:
        return submitted.exclude(owner=user).order_by("submitted_at")
    if user.is_supervisor:
        return submitted.filter(team__supervisor=user).exclude(owner=user).order_by("submitted_at")
    return submitted.none()


def approval_queue(user: User) -> QuerySet[MonthlyPlan]:
    return awaiting_decision(user, MonthlyPlan.objects.all())


def owner_in_scope(user: User, owner_id: str | None) -> User:
    """The manager whose work a page shows: oneself, or someone in the user's scope (?owner=)."""
    if not owner_id or str(owner_id) == str(user.pk):
        return user
    if not str(owner_id).isdecimal():
        raise Http404
    return get_object_or_404(scope_for(user).users(), pk=owner_id)


def visits_between(user: User, owner: User, start: date, end: date) -> QuerySet[PlannedVisit]:
    visits = (
        PlannedVisit.objects.of_manager(owner)
        .filter(date__range=(start, end))
        .select_related("client")
        .only(
            "pk",
            "date",
            "method",
            "status",
            "source",
            "purpose",
            "appointment_time",
            "owner_id",
            "client__id",
            "client__name",
        )
    )
    return visits.visible_to(user).order_by("date", "client__name")


# --- the week and the day (SPEC "The work cycle", steps 5–9) ------------------------------
# Reads fetch a whole week or month in a fixed number of queries.


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


@dataclass
class RouteDay:
    day: date
    visits: list[PlannedVisit] = field(default_factory=list)


def week_routes(owner: User, monday: date) -> list[RouteDay]:
    """The week's planned visits per day in route order, each with ``open_strategies``."""
    days = [RouteDay(monday + timedelta(days=i)) for i in range(7)]
    visits = list(
        PlannedVisit.objects.of_manager(owner)
        .filter(date__range=(monday, monday + timedelta(days=6)))
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


def day_sheet(owner: User, day: date) -> list[PlannedVisit]:
    """Today's clients in route order with address, key persons, open strategies, and the
    visit type with what to bring."""
    visits = list(
        PlannedVisit.objects.of_manager(owner)
        .filter(date=day)
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .select_related("client", "client__tier", "log", "visit_type")
        .prefetch_related(
            Prefetch(
                "client__contacts",
                queryset=Contact.objects.filter(is_key_person=True).select_related("vip_card").order_by("name"),
                to_attr="key_persons",
            ),
            # What to bring to each stop (its visit type's preparation list, seed 000).
            "visit_type__preparation_items",
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


def week_arrangement(owner: User, monday: date) -> WeeklyArrangement | None:
    return WeeklyArrangement.objects.filter(owner=owner, week_start=monday).first()


def week_summary(owner: User, monday: date) -> WeeklySummary | None:
    return WeeklySummary.objects.filter(owner=owner, week_start=monday).first()


def temporary_tasks(owner: User, day: date) -> QuerySet[TemporaryTask]:
    """The day's temporary tasks (●) recorded without a visit log."""
    return TemporaryTask.objects.filter(owner=owner, date=day).select_related("client")


def unplanned_logs(owner: User, day: date) -> QuerySet[VisitLog]:
    """The day's visits logged without a planned visit (temporary tasks, ●)."""
    # The manager's own work that day, also at a client handed over since.
    return VisitLog.objects.filter(owner=owner, date=day, is_temporary=True).select_related("client")


# --- a visit log (the reads ``services.log_visit`` and its entry points share) -----------------


def visit_log_of_submission(*, owner: User, submission: str) -> VisitLog | None:
    """The log a submission already saved for this manager (a double tap, a retry, an
    offline phone sending again), or None. A submission no form could have sent (a NUL byte,
    which PostgreSQL cannot even compare, or longer than the column) has saved nothing."""
    if not submission or "\x00" in submission or len(submission) > VisitLog._meta.get_field("submission").max_length:
        return None
    return VisitLog.objects.filter(submission=submission, owner=owner).first()


def strategies_to_tick(client: Client, day: date) -> list[ServiceStrategy]:
    """The client's open service strategies of the visit's month: the ones a visit may
    close (``services.log_visit`` closes only these)."""
    return list(
        ServiceStrategy.objects.filter(
            client=client, month=rules.month_start(day), state=ServiceStrategy.State.OPEN
        ).order_by("created_at", "pk")
    )


# --- visit types ---------------------------------------------------------------------------


def active_visit_types() -> dict[str, VisitType]:
    """The types a visit may have, by code (one query)."""
    return {t.code: t for t in VisitType.objects.filter(is_active=True)}


def visit_reason_flags(client_ids) -> tuple[set[int], set[int]]:
    """(clients tending to leave, clients with a complaint's return visit not yet done):
    the reasons ``rules.default_visit_type_code`` reads from other apps, two queries."""
    warned = set(ClientWarning.objects.filter(client__in=client_ids, active=True).values_list("client_id", flat=True))
    returns = set(
        ReturnVisit.objects.filter(complaint__client__in=client_ids, done_at__isnull=True).values_list(
            "complaint__client_id", flat=True
        )
    )
    return warned, returns


def checklist_missed(logs: QuerySet[VisitLog]) -> dict[int, int]:
    """Per manager, the checklist items of these visit logs left not done (one query): the
    one count of the visit dashboard and the quarterly report."""
    from .models import ChecklistAnswer

    rows = (
        ChecklistAnswer.objects.filter(log__in=logs.order_by().values("pk"), done=False)
        .values("log__owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["log__owner_id"]: row["n"] for row in rows}


def needs_retention_visit(client: Client) -> bool:
    """A client tending to leave (an active early warning) gets a retention visit (离网必访,
    SPEC "Retention"): its log records the offer made and the outcome."""
    return ClientWarning.objects.filter(client=client, active=True).exists()


# --- one way to count visits (the dashboard, the month's summaries, the scorecard) ------------


@dataclass
class VisitCounts:
    """One manager's visits in a month, as ``visit_counts`` counts them."""

    planned: int = 0  # planned visits due so far (see ``visit_counts``)
    done: int = 0  # of those, done (★)
    planned_in_month: int = 0  # the whole month's plan, due or not
    done_in_month: int = 0
    temporary: int = 0  # temporary tasks (●) so far: tasks recorded and visits logged without a plan

    @property
    def completion(self) -> float | None:
        """Plan completion so far, done ÷ planned (SPEC "Visit KPIs"), 0..1; None without a plan."""
        return self.done / self.planned if self.planned else None


def _identity(queryset: QuerySet, prefix: str) -> QuerySet:
    return queryset


def _counted() -> Q:
    # Cancelled visits are no longer planned. An open visit at a client handed over since
    # is no longer its manager's to do (``PlannedVisit.objects.of_manager``).
    return Q(status__in=[PlannedVisit.Status.DONE, PlannedVisit.Status.MISSED]) | Q(
        status=PlannedVisit.Status.PLANNED, client__owner=F("owner")
    )


def _due(until: date, today: date) -> Q:
    # Up to ``until``; a visit of today or later only once done: the day is not over.
    return Q(date__lte=until) & (Q(date__lt=today) | Q(status=PlannedVisit.Status.DONE))


def counted_visits(*, owners, month: date, until: date, today: date | None = None) -> QuerySet[PlannedVisit]:
    """The planned visits ``visit_counts`` counts as planned so far for these managers (ids):
    the rows behind the figure (e.g. the scorecard's records page)."""
    month = rules.month_start(month)
    today = today or timezone.localdate()
    return PlannedVisit.objects.filter(owner_id__in=list(owners), date__range=(month, rules.month_end(month))).filter(
        _counted(), _due(until, today)
    )


def visit_counts(
    *, owners, month: date, until: date, today: date | None = None, restrict=None
) -> dict[int, VisitCounts]:
    """Per manager (by id): the month's visits planned and done so far, the month's whole
    plan, and temporary tasks. One query whatever the number of managers; ``owners=None``:
    every manager (read by date alone). ``restrict(queryset, prefix)`` narrows the rows to a
    viewer's scope, ``prefix`` leading to the client (the dashboards pass it).

    The one rule (SPEC "The work cycle" steps 4 and 7, "Visit KPIs": plan completion = done ÷
    planned), used by the visit dashboard, the weekly and monthly summaries and the scorecard:

    - **Whose visit**: a visit counts for the manager who owns it (``PlannedVisit.owner``). A
      hand-over moves the client's upcoming planned visits to the new manager
      (``visits.signals``), where they count from then on, and leaves past ones, done or
      missed, with whoever had them: work done or missed stays on that manager's record. An
      open visit (planned, not done) at a client that is no longer its owner's counts for no
      one: its owner may not log it any more (``services.log_visit``, "still mine").
    - **Cancellations**: a cancelled visit is no longer planned: counted neither as planned
      nor as done.
    - **Temporary tasks** (●, unplanned work): not planned visits, so never in planned or
      done (completion would pass 100 %); counted apart as ``temporary``: the temporary tasks
      recorded and the visits logged without a planned visit, for whoever did the work (also
      at a client handed over since). A task without a client is always its manager's own.
    - **Cut-off**: from the month's first day to ``until``; a visit of today (or later) counts
      as planned only once done, since the day is not over. ``planned_in_month`` and
      ``done_in_month`` count the whole month's plan by the same rules, without the cut-off.
    """
    restrict = restrict or _identity
    month = rules.month_start(month)
    end = rules.month_end(month)
    today = today or timezone.localdate()
    owner_ids = None if owners is None else [getattr(owner, "pk", owner) for owner in owners]

    def of_owners(queryset: QuerySet) -> QuerySet:
        return queryset if owner_ids is None else queryset.filter(owner_id__in=owner_ids)

    zero = Value(0, output_field=IntegerField())
    due, done = _due(until, today), Q(status=PlannedVisit.Status.DONE)
    visits = (
        restrict(of_owners(PlannedVisit.objects.filter(date__range=(month, end))).filter(_counted()), "client__")
        .order_by()
        .values("owner_id")
        .annotate(
            planned=Count("pk", filter=due),
            done=Count("pk", filter=due & done),
            planned_in_month=Count("pk"),
            done_in_month=Count("pk", filter=done),
            temporary=zero,
        )
    )
    tasks = (
        of_owners(TemporaryTask.objects.filter(date__range=(month, until)))
        .filter(
            Q(client__isnull=True) | Q(pk__in=restrict(TemporaryTask.objects.filter(client__isnull=False), "client__"))
        )
        .order_by()
        .values("owner_id")
        .annotate(planned=zero, done=zero, planned_in_month=zero, done_in_month=zero, temporary=Count("*"))
    )
    unplanned = (
        restrict(of_owners(VisitLog.objects.filter(date__range=(month, until), is_temporary=True)), "client__")
        .order_by()
        .values("owner_id")
        .annotate(planned=zero, done=zero, planned_in_month=zero, done_in_month=zero, temporary=Count("*"))
    )
    counts = {owner_id: VisitCounts() for owner_id in owner_ids or ()}
    names = ("planned", "done", "planned_in_month", "done_in_month", "temporary")
    for row in visits.union(tasks, unplanned, all=True).values_list("owner_id", *names):
        found = counts.setdefault(row[0], VisitCounts())
        for name, value in zip(names, row[1:], strict=True):
            setattr(found, name, getattr(found, name) + value)
    return counts


# --- the month's figures (weekly and monthly summaries) -------------------------------------


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


def visits_due(month: date, until: date) -> tuple[dict[str, int], bool]:
    """Coverage's rule: the visits a plan line of each frequency needs by ``until`` (one per
    window of working days that has fully or partly passed; any other frequency none), and
    whether a working day of the month has passed yet (before, nothing is covered)."""
    calendar = work_calendar()
    elapsed = calendar.working_days(month, until)
    month_days = calendar.working_days(month, rules.month_end(month))
    due = {
        frequency: sum(1 for window in rules.windows(frequency, month_days) if window and window[0] <= until)
        for frequency in (rules.WEEKLY, rules.TWICE_MONTHLY, rules.MONTHLY)
    }
    return due, bool(elapsed)


def coverage(owner_ids, month: date, until: date, restrict=None) -> tuple[dict[int, int], dict[int, int]]:
    """Per manager: clients of the approved plan visited at least as often as their
    frequency asks so far this month, and clients in the plan (two queries for any number
    of managers; ``owner_ids=None``: every manager). ``restrict(queryset, prefix)`` narrows
    the visits and plan lines further (the dashboards pass the viewer's scope)."""
    restrict = restrict or (lambda queryset, prefix: queryset)
    due, elapsed = visits_due(month, until)

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
    visits = visit_counts(owners=[owner.pk], month=month, until=until)[owner.pk]
    progress.visits_planned, progress.visits_done = visits.planned_in_month, visits.done_in_month
    progress.visits_planned_to_date, progress.visits_done_to_date = visits.planned, visits.done
    progress.temporary_tasks = visits.temporary
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


def offline_pages(owner: User, day: date) -> list[str]:
    """The pages a phone keeps for a day without signal (one query): the day's sheet, the
    week's arrangement, the outbox, the client file of every stop of the week, and for the
    day's stops the visit log and call log forms."""
    monday = monday_of(day)
    stops = (
        PlannedVisit.objects.of_manager(owner)
        .filter(date__range=(monday, monday + timedelta(days=6)))
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .order_by("date", "route_order", "pk")
        .values_list("pk", "client_id", "date", "status")
    )
    pages = [reverse("visits:sheet"), reverse("visits:week"), reverse("visits:outbox")]
    for pk, client_id, stop_day, status in stops:
        pages.append(reverse("clients:detail", args=[client_id]))
        if stop_day == day:
            pages.append(reverse("interactions:log", args=[client_id]))
            if status != PlannedVisit.Status.DONE:
                pages.append(f"{reverse('visits:log')}?visit={pk}")
    return list(dict.fromkeys(pages))
