"""The monthly cycle's writes: strategies, plans and their approval, visit plans.

Every function works on a whole portfolio in a fixed number of queries (bulk
creates and updates), so a manager with a thousand clients costs the same number
of round trips as one with ten.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from accounts import decisions
from accounts.models import User
from clients.models import Client
from clients.rules import next_visit_due

from . import proposals, rules
from .models import MonthlyPlan, PlanLine, PlannedVisit, PlanTransition, ServiceStrategy

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


@transaction.atomic
def add_visit(
    *, owner: User, client: Client, day: date, by: User, purpose: str = "", appointment_time: time | None = None
) -> PlannedVisit:
    if client.owner_id != owner.pk:
        raise PermissionDenied
    require_approved_plan(owner, day)
    if not client.visit_method:
        raise ValidationError({"client": _("Set this client's visit method before planning a visit.")})
    if PlannedVisit.objects.filter(client=client, date=day).exists():
        raise ValidationError({"date": _("This client already has a visit planned that day.")})
    return PlannedVisit.objects.create(
        owner=owner,
        client=client,
        date=day,
        method=client.visit_method,
        purpose=purpose,
        appointment_time=appointment_time,
    )


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
        .values_list("plan__month", "client_id", "frequency", "client__visit_method")
        .order_by("plan__month", "-is_key", "client__code")
    )
    new = []
    for month in months:
        month_days = rules.working_days(month, rules.month_end(month))
        allowed = {day for day in month_days if start <= day <= end}
        wanted = [(client_id, frequency) for m, client_id, frequency, _method in lines if m == month]
        methods = {client_id: method for m, client_id, _f, method in lines if m == month}
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
    PlannedVisit.objects.bulk_create(new, batch_size=500)
    return len(new)
