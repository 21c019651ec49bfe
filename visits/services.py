"""The monthly cycle's writes: strategies, plans and their approval, visit plans, and
the day's work (routes, visit logs, task marking).

Every function works on a whole portfolio in a fixed number of queries (bulk
creates and updates), so a manager with a thousand clients costs the same number
of round trips as one with ten.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from accounts import decisions
from accounts.models import User
from clients.models import Client, VisitMethod
from clients.rules import next_visit_due
from complaints.services import record_on_site
from interactions.services import take_request_on_visit
from rollups import services as rollups
from workdays.selectors import work_calendar

from . import proposals, routes, rules, selectors
from .models import (
    ChecklistAnswer,
    MonthlyPlan,
    PlanLine,
    PlannedVisit,
    PlanTransition,
    ServiceStrategy,
    TemporaryTask,
    VisitLog,
    VisitPhoto,
    VisitType,
)

MAX_GENERATE_DAYS = 92
PLANNED_STATUSES = [Client.Status.ACTIVE, Client.Status.PROSPECT, Client.Status.DORMANT]


def portfolio(owner: User) -> QuerySet[Client]:
    """The clients a manager plans for: their own, except lost ones."""
    return Client.objects.filter(owner=owner, status__in=PLANNED_STATUSES).select_related("tier", "group__tier")


# --- service strategies ---------------------------------------------------------------


def propose_strategies(clients: list[Client], month: date) -> int:
    """Add the system's proposals for the month; proposing again adds nothing new."""
    new = [
        ServiceStrategy(client_id=p.client_id, month=month, source=p.source, text=p.text)
        for p in proposals.propose_strategies(clients, month)
    ]
    existing = set(
        ServiceStrategy.objects.filter(client__in=[c.pk for c in clients], month=month)
        .exclude(source="")
        .values_list("client_id", "source")
    )
    new = [s for s in new if (s.client_id, s.source) not in existing]
    ServiceStrategy.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def open_strategy_counts(client_ids, month: date) -> Counter:
    rows = (
        ServiceStrategy.objects.filter(client__in=client_ids, month=month, state=ServiceStrategy.State.OPEN)
        .values("client_id")
        .annotate(n=Count("pk"))
    )
    return Counter({row["client_id"]: row["n"] for row in rows})


def remove_strategy(strategy: ServiceStrategy) -> None:
    """Delete a manager's own item; a system proposal is dismissed instead, so that
    proposing again does not bring it back."""
    if strategy.source:
        strategy.state = ServiceStrategy.State.DISMISSED
        strategy.save()
    else:
        strategy.delete()


def set_strategy_state(strategy: ServiceStrategy, *, done: bool, by: User) -> ServiceStrategy:
    if done:
        strategy.mark_done(by)
    else:
        strategy.reopen()
    strategy.save()
    return strategy


# --- the monthly plan -----------------------------------------------------------------


def _record(plan: MonthlyPlan, from_status: str, by: User, comment: str = "") -> None:
    PlanTransition.objects.create(plan=plan, from_status=from_status, to_status=plan.status, by=by, comment=comment)


def _candidates(clients: list[Client], key_ids: set[int], counts: Counter, month: date) -> list[rules.Candidate]:
    as_of = proposals.overdue_as_of(month)
    return [
        rules.Candidate(
            client_id=c.pk,
            code=c.code,
            is_key=c.pk in key_ids,
            open_strategies=counts.get(c.pk, 0),
            tier_rank=c.effective_tier.rank,
            tier_min_frequency=c.effective_tier.min_visit_frequency,
            overdue_days=(as_of - c.next_visit_due).days if c.next_visit_due and c.next_visit_due < as_of else 0,
        )
        for c in clients
    ]


@transaction.atomic
def start_plan(*, owner: User, month: date, by: User) -> MonthlyPlan:
    """The manager's draft for a month, with strategies proposed and key clients suggested."""
    month = rules.month_start(month)
    if by.pk != owner.pk and not by.is_crm_admin:
        raise PermissionDenied(_("Only the account manager drafts their own plan."))
    plan, created = MonthlyPlan.objects.get_or_create(owner=owner, month=month, defaults={"team_id": owner.team_id})
    if created:
        _record(plan, "", by)
        refresh_plan(plan, propose_keys=True)
    return plan


def refresh_plan(plan: MonthlyPlan, *, propose_keys: bool = False) -> None:
    """Bring the plan's lines up to date with the portfolio and its open strategies.

    Key clients chosen by the manager stay key; with ``propose_keys`` the problem
    clients are (re)proposed as key clients.
    """
    clients = list(portfolio(plan.owner))
    propose_strategies(clients, plan.month)
    lines = {line.client_id: line for line in plan.lines.all()}
    problems = proposals.find_problems(clients, plan.month)
    chosen = {client_id for client_id, line in lines.items() if line.is_key}
    key_ids = set(problems) if propose_keys else chosen
    counts = open_strategy_counts([c.pk for c in clients], plan.month)
    frequencies = rules.propose_frequencies(_candidates(clients, key_ids, counts, plan.month))
    new, changed = [], []
    for client in clients:
        values = {
            "is_key": client.pk in key_ids,
            "key_reasons": "; ".join(problems.get(client.pk, []))[:300],
            "open_strategies": counts.get(client.pk, 0),
            "frequency": frequencies[client.pk],
        }
        line = lines.pop(client.pk, None)
        if line is None:
            new.append(PlanLine(plan=plan, client=client, **values))
        elif any(getattr(line, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(line, name, value)
            changed.append(line)
    PlanLine.objects.bulk_create(new, batch_size=500)
    PlanLine.objects.bulk_update(changed, ["is_key", "key_reasons", "open_strategies", "frequency"], batch_size=500)
    if lines:  # clients that left the portfolio (lost, or given to someone else)
        PlanLine.objects.filter(pk__in=[line.pk for line in lines.values()]).delete()


def _check_editable(plan: MonthlyPlan, by: User) -> None:
    if by.pk != plan.owner_id and not by.is_crm_admin:
        raise PermissionDenied(_("Only the account manager edits their plan."))
    if not plan.is_editable:
        raise ValidationError(
            _("This plan is %(status)s and can no longer be changed.") % {"status": plan.get_status_display()}
        )


@transaction.atomic
def update_plan(plan: MonthlyPlan, *, by: User, key_client_ids: set[int], **fields) -> MonthlyPlan:
    """Save the manager's edits: texts, target and the chosen key clients."""
    _check_editable(plan, by)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()
    plan.lines.update(is_key=Case(When(client_id__in=key_client_ids, then=Value(True)), default=Value(False)))
    refresh_plan(plan)
    return plan


@transaction.atomic
def submit_plan(plan: MonthlyPlan, *, by: User) -> MonthlyPlan:
    _check_editable(plan, by)
    refresh_plan(plan)
    if not plan.lines.exists():
        raise ValidationError(_("The plan has no clients."))
    previous = plan.status
    plan.status = MonthlyPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.team_id = plan.owner.team_id  # decided by the team the manager is in now
    plan.save()
    _record(plan, previous, by)
    return plan


PLAN_DECISION = decisions.Flow(
    kind="visits.plan_decided",
    requester="owner",
    team="team",
    pending=MonthlyPlan.Status.SUBMITTED,
    approved=MonthlyPlan.Status.APPROVED,
    rejected=MonthlyPlan.Status.RETURNED,
    describe=lambda plan: _("monthly plan %(month)s") % {"month": f"{plan.month:%Y-%m}"},
    not_pending=gettext_lazy("Only a submitted plan can be approved or returned."),
    comment_needed=gettext_lazy("Say what the manager should change."),
    denied=gettext_lazy("Only the supervisor of this manager's team decides on the plan."),
)


def can_decide(user: User, plan: MonthlyPlan) -> bool:
    return decisions.may_decide(plan, user, PLAN_DECISION)


@transaction.atomic
def approve_plan(plan: MonthlyPlan, *, by: User, comment: str = "") -> int:
    """Approve, and write each client's frequency onto the client unless it was set by
    hand. Returns how many clients changed frequency."""
    decisions.decide(plan, flow=PLAN_DECISION, by=by, approve=True, comment=comment)
    _record(plan, MonthlyPlan.Status.SUBMITTED, by, plan.decision_comment)
    changed = []
    reason = _("Approved plan %(month)s") % {"month": f"{plan.month:%Y-%m}"}
    # Only clients still in the manager's hands: one given away since keeps its new owner's say.
    for line in plan.lines.filter(client__owner=plan.owner_id).select_related("client__tier", "client__group__tier"):
        client = line.client
        if client.visit_frequency_manual or client.visit_frequency == line.frequency:
            continue
        client.visit_frequency = line.frequency
        client.visit_frequency_reason = reason
        client.next_visit_due = next_visit_due(client.last_visited_on, client.effective_visit_frequency)
        changed.append(client)
    bulk_update_with_history(
        changed,
        Client,
        ["visit_frequency", "visit_frequency_reason", "next_visit_due"],
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    return len(changed)


@transaction.atomic
def return_plan(plan: MonthlyPlan, *, by: User, comment: str) -> MonthlyPlan:
    decisions.decide(plan, flow=PLAN_DECISION, by=by, approve=False, comment=comment)
    _record(plan, MonthlyPlan.Status.SUBMITTED, by, plan.decision_comment)
    return plan


# --- visit plans ----------------------------------------------------------------------


def approved_plan(owner: User, day: date) -> MonthlyPlan | None:
    return MonthlyPlan.objects.filter(
        owner=owner, month=rules.month_start(day), status=MonthlyPlan.Status.APPROVED
    ).first()


def require_approved_plan(owner: User, day: date) -> MonthlyPlan:
    plan = approved_plan(owner, day)
    if plan is None:
        raise ValidationError(
            _("There is no approved monthly plan for %(month)s: visits can be scheduled once it is approved.")
            % {"month": f"{day:%Y-%m}"}
        )
    return plan


def _is_new_client(start_date: date | None, created_at: datetime | None, day: date) -> bool:
    """A client whose relationship started in the visit's month: its start date, else the day
    it was entered."""
    started = start_date or (timezone.localtime(created_at).date() if created_at else None)
    return started is not None and rules.month_start(started) == rules.month_start(day)


def default_visit_types(visits: list[PlannedVisit], *, key: set[tuple[int, date]], new: set[tuple[int, date]]) -> None:
    """Give each planned visit without a type its type from its reason
    (``rules.default_visit_type_code``); ``key`` and ``new`` are the (client, date) pairs of a
    key or new client, which the caller knows. Three queries, whatever the number of visits;
    a code an admin has deactivated or deleted falls back to routine, and to none without it."""
    pending = [v for v in visits if v.visit_type_id is None]
    if not pending:
        return
    types = selectors.active_visit_types()
    if not types:
        return
    warned, returns = selectors.visit_reason_flags({v.client_id for v in pending})
    for visit in pending:
        code = rules.default_visit_type_code(
            rules.VisitReasons(
                tending_to_leave=visit.client_id in warned,
                return_visit_due=visit.client_id in returns,
                key_client=(visit.client_id, visit.date) in key,
                new_client=(visit.client_id, visit.date) in new,
            )
        )
        visit.visit_type = types.get(code) or types.get(VisitType.ROUTINE)


@transaction.atomic
def add_visit(
    *,
    owner: User,
    client: Client,
    day: date,
    by: User,
    purpose: str = "",
    appointment_time: time | None = None,
    visit_type: VisitType | None = None,
) -> PlannedVisit:
    """Plan a visit by hand; without ``visit_type`` it gets the type of its reason."""
    if client.owner_id != owner.pk:
        raise PermissionDenied
    plan = require_approved_plan(owner, day)
    if not client.visit_method:
        raise ValidationError({"client": _("Set this client's visit method before planning a visit.")})
    if PlannedVisit.objects.filter(client=client, date=day).exists():
        raise ValidationError({"date": _("This client already has a visit planned that day.")})
    if visit_type is not None and not visit_type.is_active:
        raise ValidationError({"visit_type": _("This visit type is no longer in use.")})
    visit = PlannedVisit(
        owner=owner,
        client=client,
        date=day,
        method=client.visit_method,
        purpose=purpose,
        appointment_time=appointment_time,
        visit_type=visit_type,
    )
    is_key = client.effective_tier.is_vip or plan.lines.filter(client=client, is_key=True).exists()
    default_visit_types(
        [visit],
        key={(client.pk, day)} if is_key else set(),
        new={(client.pk, day)} if _is_new_client(client.start_date, client.created_at, day) else set(),
    )
    visit.save()
    return visit


@transaction.atomic
def change_visit_type(visit: PlannedVisit, *, by: User, visit_type: VisitType) -> PlannedVisit:
    """The manager chooses another type for a visit not yet logged (recorded in its history)."""
    if visit.owner_id != by.pk:
        raise PermissionDenied(_("Only the visit's account manager changes its type."))
    if visit.status in (PlannedVisit.Status.DONE, PlannedVisit.Status.CANCELLED) or hasattr(visit, "log"):
        raise ValidationError({"visit_type": _("This visit is done or cancelled: its type stays as it was.")})
    if not visit_type.is_active:
        raise ValidationError({"visit_type": _("This visit type is no longer in use.")})
    visit.visit_type = visit_type
    visit._change_reason = _("Visit type changed")
    visit.save(update_fields=["visit_type", "updated_at"])
    return visit


def overlapping_visits(client: Client, day: date, exclude_owner: User) -> list[PlannedVisit]:
    """Visits a colleague already has planned at this client in the ISO week of ``day``.

    Two colleagues visiting the same client without knowing it was a recorded problem
    (SPEC "Who visits, follows up"): planning warns, it does not block.
    """
    monday = day - timedelta(days=day.weekday())
    return list(
        PlannedVisit.objects.filter(
            client=client, status=PlannedVisit.Status.PLANNED, date__range=(monday, monday + timedelta(days=6))
        )
        .exclude(owner=exclude_owner)
        .select_related("owner")
        .order_by("date", "pk")
    )


@transaction.atomic
def generate_visits(*, owner: User, start: date, end: date, by: User) -> int:
    """Plan every client's visits for the range from its approved frequency.

    Visits land one per window (a week for weekly clients, equal runs of working
    days otherwise) on the least busy working day; a window where the client
    already has a visit, entered by hand or generated earlier, gets none, so running
    it twice adds nothing. Clients without a visit method are left out.
    """
    if by.pk != owner.pk and not by.is_crm_admin:
        raise PermissionDenied
    if end < start:
        raise ValidationError(_("The end date is before the start date."))
    if (end - start).days > MAX_GENERATE_DAYS:
        raise ValidationError(_("Generate at most three months at a time."))
    months, month = [], rules.month_start(start)
    while month <= end:
        months.append(month)
        month = rules.next_month(month)
    plans = {
        plan.month: plan
        for plan in MonthlyPlan.objects.filter(owner=owner, month__in=months, status=MonthlyPlan.Status.APPROVED)
    }
    missing = [m for m in months if m not in plans]
    if missing:
        raise ValidationError(
            _("There is no approved monthly plan for %(months)s: visits can be scheduled once it is approved.")
            % {"months": ", ".join(f"{m:%Y-%m}" for m in missing)}
        )
    first, last = months[0], rules.month_end(months[-1])
    existing: dict[int, set[date]] = {}
    blocked: dict[int, set[date]] = {}
    load: Counter = Counter()
    # Visits of the manager's clients whoever planned them (a client may have changed hands).
    rows = PlannedVisit.objects.filter(Q(owner=owner) | Q(client__owner=owner), date__range=(first, last))
    for client_id, day, status, visit_owner in rows.values_list("client_id", "date", "status", "owner_id"):
        if visit_owner != owner.pk:
            blocked.setdefault(client_id, set()).add(day)
        elif status == PlannedVisit.Status.CANCELLED:
            blocked.setdefault(client_id, set()).add(day)  # (client, date) is unique: not again that day
        else:
            existing.setdefault(client_id, set()).add(day)
            load[day] += 1
    lines = list(
        PlanLine.objects.filter(plan__in=plans.values(), client__owner=owner)
        .exclude(client__visit_method="")
        .values_list(
            "plan__month",
            "client_id",
            "frequency",
            "client__visit_method",
            "is_key",
            "client__tier__is_vip",
            "client__group__tier__is_vip",
            "client__created_at",
            "client__start_date",
        )
        .order_by("plan__month", "-is_key", "client__code")
    )
    new = []
    key_visits: set[tuple[int, date]] = set()
    new_clients: set[tuple[int, date]] = set()
    calendar = work_calendar()
    for month in months:
        month_days = calendar.working_days(month, rules.month_end(month))
        allowed = {day for day in month_days if start <= day <= end}
        wanted = [(line[1], line[2]) for line in lines if line[0] == month]
        methods = {line[1]: line[3] for line in lines if line[0] == month}
        keys = {line[1] for line in lines if line[0] == month and (line[4] or line[5] or line[6])}
        started = {line[1]: (line[8], line[7]) for line in lines if line[0] == month}
        for client_id, day in rules.spread_visits(wanted, month_days, existing, load, allowed=allowed, blocked=blocked):
            new.append(
                PlannedVisit(
                    owner=owner,
                    client_id=client_id,
                    date=day,
                    method=methods[client_id],
                    source=PlannedVisit.Source.GENERATED,
                )
            )
            if client_id in keys:
                key_visits.add((client_id, day))
            if _is_new_client(*started[client_id], day):
                new_clients.add((client_id, day))
    default_visit_types(new, key=key_visits, new=new_clients)
    PlannedVisit.objects.bulk_create(new, batch_size=500)
    rollups.refresh_days((owner.pk, visit.date) for visit in new)
    return len(new)


# --- the week and the day: routes, visit logs, task marking (SPEC "The work cycle", 5–7) ---------


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


@transaction.atomic
def apply_shortest_route(owner: User, day: date) -> routes.Route:
    """Order the manager's own visits of the day by ``routes.shortest_route``, from the start
    point on their profile, and save it as the day's route (still editable by hand)."""
    visits = list(
        PlannedVisit.objects.of_manager(owner)
        .filter(date=day)
        .exclude(status=PlannedVisit.Status.CANCELLED)
        .select_related("client")
        .order_by("route_order", "client__name")
    )
    route = routes.shortest_route(
        [routes.Stop(v.pk, v.client.latitude, v.client.longitude, v.appointment_time) for v in visits],
        start=owner.route_start,
    )
    save_route(owner, day, route.order)
    return route


def require_loggable(owner: User, day: date) -> None:
    """Daily visit records need the month's approved plan (SPEC "The work cycle", step 3)."""
    if approved_plan(owner, day) is None:
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


def _visit_to_log(*, owner: User, client: Client, day: date, planned_visit: PlannedVisit | None) -> PlannedVisit | None:
    """The planned visit a log completes (★), read again under a row lock; None for a
    temporary task (●). Refuses a visit that is not the manager's any more, was cancelled,
    or is already done."""
    if planned_visit is not None:
        # Locked, so that a cancellation or a second log saved meanwhile is seen here.
        locked = (
            PlannedVisit.objects.of_manager(owner)
            .select_for_update(of=("self",))
            .filter(pk=planned_visit.pk, client=client)
            .annotate(has_log=Exists(VisitLog.objects.filter(planned_visit=OuterRef("pk"))))  # same query
            .first()
        )
        if locked is None:  # another manager's, or handed over with its client since
            raise PermissionDenied(_("This planned visit is not yours to log."))
        if locked.status == PlannedVisit.Status.CANCELLED:
            raise ValidationError({"planned_visit": _("This visit was cancelled: it cannot be logged.")})
        if locked.status == PlannedVisit.Status.DONE or locked.has_log:
            raise ValidationError({"planned_visit": _("This planned visit already has a log.")})
        if locked.date == day:
            return locked
        # Logged for another day than planned: it is not that visit; the day's own planned
        # visit, if there is one, is the one done.
    return (
        PlannedVisit.objects.of_manager(owner)
        .select_for_update(of=("self",))
        .filter(client=client, date=day, status__in=[PlannedVisit.Status.PLANNED, PlannedVisit.Status.MISSED])
        .exclude(log__isnull=False)
        .order_by("pk")
        .first()
    )


@transaction.atomic
@rollups.batched()  # inside the transaction: the rollups refreshed once, as it ends
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
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    market_anomalies: str = "",
    opinions: str = "",
    effect: str = "",
    next_follow_up: date | None = None,
    retention_offer: str = "",
    retention_outcome: str = "",
    request_text: str = "",
    observations: list[dict] | tuple = (),
    visit_type: VisitType | None = None,
    checklist: dict[int, tuple[bool, str]] | None = None,
) -> tuple[VisitLog, bool]:
    """Record a visit (日拜访记录); returns (log, created). Every entry point calls this one
    service: the web form, the API (and the offline phone through it).

    - The same ``submission`` saved twice (a double tap, a retry on a bad network, a phone
      sending again) returns the first log instead of a second one.
    - Only the client's manager logs its visits, and only a planned visit still theirs
      (``PlannedVisit.objects.of_manager``); a cancelled or already done visit is refused.
    - Not for a day that has not come yet, nor for a month without an approved plan.
    - A planned visit logged on another day than planned is not that visit: the day's own
      planned visit of the client is done instead, or the log is a temporary task (●).
    - Ticked strategies close if they are the client's open strategies of the visit's month.
    - The retention offer and outcome are kept only for a client tending to leave (an active
      early warning, ``selectors.needs_retention_visit``).
    - ``request_text``: a request the client made on the visit; it is saved with the log (or
      neither is) and followed up by the visiting manager (who visits, follows up).
    - ``observations``: competitor and market information seen on the visit, kept with the
      log (``market.services.record_observations``), or none of it is.
    - The visit's type (``visit_type``, else the planned visit's, else the type of its reason)
      says what it must include (``check_visit_contents``): ``checklist`` answers its items
      ({item id: (done, note)}); a required item not done, or a required photo missing,
      refuses the log with a message on ``check_<item id>`` or ``photos``. A type that asks
      for a survey invites the client some hours later.

    The planned visit is marked done (★) and the client's last visit moves forward. The
    rollups of the visit's day and month are refreshed once, at the end
    (``rollups.services.batched``).
    """
    if not submission:
        raise ValidationError(_("The form expired; open it again."))
    existing = VisitLog.objects.filter(submission=submission).first()
    if existing is not None:
        if existing.owner_id != owner.pk:
            raise PermissionDenied
        return existing, False
    if client.owner_id != owner.pk:
        raise PermissionDenied(_("Only the client's account manager logs its visits."))
    if day > timezone.localdate():
        raise ValidationError({"date": _("A visit cannot be logged for a day that has not come yet.")})
    if next_follow_up is not None and next_follow_up < day:
        raise ValidationError({"next_follow_up": _("The follow-up cannot be before the visit.")})
    planned_visit = _visit_to_log(owner=owner, client=client, day=day, planned_visit=planned_visit)
    require_loggable(owner, day)
    if planned_visit is not None and planned_visit.checked_in_at:
        checked_in_at = planned_visit.checked_in_at  # the check-in on site beats the form's opening time
    if settings.CRM_VISIT_PHOTO_REQUIRED and method == VisitMethod.ON_SITE and not photos:
        raise ValidationError({"photos": _("Add at least one photo of the visit on site.")})
    if visit_type is None:
        visit_type = planned_visit.visit_type if planned_visit is not None else None
    if visit_type is None:
        visit_type = default_visit_type(client, day)
    answers = check_visit_contents(visit_type, checklist or {}, has_photos=bool(photos))
    if (retention_offer or retention_outcome) and not selectors.needs_retention_visit(client):
        retention_offer, retention_outcome = "", ""  # only a client tending to leave has them
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
                latitude=latitude,
                longitude=longitude,
                market_anomalies=market_anomalies,
                opinions=opinions,
                effect=effect,
                next_follow_up=next_follow_up,
                retention_offer=retention_offer,
                retention_outcome=retention_outcome,
                is_temporary=planned_visit is None,
                visit_type=visit_type,
            )
    except IntegrityError:
        # The same submission raced in from a second request, or another tab logged this
        # planned visit first.
        raced = selectors.visit_log_of_submission(owner=owner, submission=submission)
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
    for answer in answers:
        answer.log = log
    ChecklistAnswer.objects.bulk_create(answers)
    if any(not answer.done for answer in answers):
        # Bulk-created, no signal: the day's rollup counts them (the log's own day, refreshed
        # once with it when ``batched`` ends).
        rollups.refresh_days({(owner.pk, day)})
    if visit_type is not None and visit_type.requires_survey:
        _survey_after_visit(client, by=owner)
    if planned_visit is not None:
        planned_visit.status = PlannedVisit.Status.DONE
        planned_visit.save(update_fields=["status"])
    advance_last_visit(client, day)
    if method == VisitMethod.ON_SITE:
        # Someone on site: a complaint waiting for that has its third deadline met.
        record_on_site(client_id=client.pk, at=checked_in_at or timezone.now())
    if request_text:
        take_request_on_visit(log, by=owner, text=request_text)
    observed = []
    if observations:
        from market.services import record_observations

        observed = record_observations(client=client, by=owner, day=day, observations=observations, visit_log=log)
    # What shows the new log (the API's answer) finds its answers and observations in hand,
    # in their models' order (by id; the newest first of one day).
    _written(log, "checklist_answers", answers)
    _written(log, "market_observations", sorted(observed, key=lambda row: row.pk, reverse=True))
    return log, True


def _written(instance, name: str, rows: list) -> None:
    """Keep ``rows``, every row of ``instance``'s relation ``name`` (just written with it),
    as a prefetch would: reading the relation queries nothing."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def default_visit_type(client: Client, day: date) -> VisitType | None:
    """The type of a visit at ``client`` on ``day`` by its reason, for a visit not planned."""
    visit = PlannedVisit(client=client, date=day)
    plan = approved_plan(client.owner, day) if client.owner_id else None
    is_key = client.effective_tier.is_vip or (
        plan is not None and plan.lines.filter(client=client, is_key=True).exists()
    )
    default_visit_types(
        [visit],
        key={(client.pk, day)} if is_key else set(),
        new={(client.pk, day)} if _is_new_client(client.start_date, client.created_at, day) else set(),
    )
    return visit.visit_type


def check_visit_contents(
    visit_type: VisitType | None, checklist: dict[int, tuple[bool, str]], *, has_photos: bool
) -> list[ChecklistAnswer]:
    """What a visit of ``visit_type`` must include, checked against what the log gives: the
    answers to save (every active item of the type, done or not, with its note), or a
    ValidationError naming each problem where it belongs: ``check_<item id>`` for a
    required item not done, ``checklist`` for an item that is not on this type's list,
    ``photos`` for a missing required photo. The one rule for the web, the API and the
    phone's outbox (which sends through the API)."""
    if visit_type is None:
        if checklist:
            raise ValidationError({"checklist": _("This visit has no type, so it has no checklist.")})
        return []
    items = list(visit_type.checklist_items.filter(is_active=True))
    known = {item.pk for item in items}
    errors: dict[str, list[str]] = {}
    strangers = sorted(pk for pk in checklist if pk not in known)
    if strangers:
        errors["checklist"] = [
            _("Not on the checklist of a “%(type)s” visit: item %(ids)s.")
            % {"type": visit_type.name, "ids": ", ".join(str(pk) for pk in strangers[:10])}
        ]
    answers = []
    for item in items:
        done, note = checklist.get(item.pk, (False, ""))
        if item.required and not done:
            errors[f"check_{item.pk}"] = [
                _("“%(item)s” is required for a “%(type)s” visit: check it once done.")
                % {"item": item.text, "type": visit_type.name}
            ]
        answers.append(ChecklistAnswer(item=item, text=item.text, required=item.required, done=done, note=note))
    if visit_type.requires_photo and not has_photos:
        errors["photos"] = [_("A “%(type)s” visit needs at least one photo.") % {"type": visit_type.name}]
    if errors:
        raise ValidationError(errors)
    return answers


def _survey_after_visit(client: Client, *, by: User) -> None:
    """A survey some hours after a visit whose type asks for one, unless the client already
    has a survey open or there is no survey template (the visit is saved all the same)."""
    from surveys import services as surveys
    from surveys.models import Invitation, SurveyTemplate

    now = timezone.now()
    if not SurveyTemplate.objects.filter(is_active=True).exists():
        return
    if Invitation.objects.filter(
        client=client, state__in=[Invitation.State.PENDING, Invitation.State.SENT], expires_at__gt=now
    ).exists():
        return
    surveys.invite(
        client,
        by=by,
        contact=surveys._first_contacts([client.pk]).get(client.pk),
        reason=Invitation.Reason.VISIT,
        send_after=now + timedelta(hours=settings.CRM_SURVEY_AFTER_VISIT_HOURS),
    )


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


# --- a client handed to another manager ---------------------------------------------------


def hand_over_planned_visits(*, client: Client, to_owner: User) -> int:
    """A client given to another manager takes its upcoming visits along; past ones stay
    with whoever made them. Part of ``clients.services.reassign_owner``."""
    with rollups.refreshing_client(client):  # its rows now carry the new owner (and team)
        return PlannedVisit.objects.filter(
            client_id=client.pk, status=PlannedVisit.Status.PLANNED, date__gte=timezone.localdate()
        ).update(owner_id=to_owner.pk, updated_at=timezone.now())


@transaction.atomic
def plan_visit_for_request(interaction, *, by: User, day: date, purpose: str = "") -> PlannedVisit:
    """Plan the visit a client's request needs (the usual rules of the visit schedule apply);
    the planned visit answers the request (``interactions.services.link_planned_visit``)."""
    if not interaction.visit_needed:
        raise ValidationError(_("This request does not need a visit."))
    if interaction.visit_planned_at is not None:
        raise ValidationError(_("A visit is already planned for this request."))
    client = interaction.client
    visit = add_visit(owner=client.owner, client=client, day=day, by=by, purpose=purpose or interaction.summary[:300])
    # The post_save signal of the planned visit has linked it (and this request).
    interaction.refresh_from_db()
    return visit
