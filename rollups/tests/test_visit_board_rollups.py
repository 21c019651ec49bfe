"""The visit board's figures that moved onto the rollups (clients not visited, checklist items
not done, coverage of the approved plans): random facts written through the services and the
other write paths (checklist answers in the admin, a client's status, a plan approved and
returned, hand-overs), then the rollups equal a full recomputation and the whole board from
the rollups equals the board from the raw rows, for the admin, a supervisor (with and without
a team chosen), another team's supervisor and a manager."""

from __future__ import annotations

import random
import uuid
from contextlib import suppress
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.scoping import scope_for
from clients.models import Client, VisitMethod
from dashboards import figures
from dashboards.selectors import seen_with_client
from rollups import selectors as rolled
from rollups.models import PlanCoverage, VisitDay
from rollups.services import drift
from visits import services
from visits.models import ChecklistAnswer, MonthlyPlan, VisitLog
from visits.rules import month_end, month_start, previous_month
from visits.selectors import checklist_missed, coverage, visit_counts

from .test_rollups_match_raw import _raw_per_day, write_random_facts

BOARD = ("planned", "done", "temporary", "overdue_clients", "not_visited", "strategies_total", "strategies_done",
         "clients_in_plan", "clients_covered", "checklist_missed")  # fmt: skip


def raw_visited_and_checklist(*, owners, month, until, restrict):
    """The board's two counts as read from the raw rows before the rollups (the reference)."""
    logs = VisitLog.objects.filter(date__range=(month, until))
    visited = restrict(logs if owners is None else logs.filter(client__owner_id__in=owners), "client__")
    visited = dict(
        visited.filter(client__status=Client.Status.ACTIVE)
        .values("client__owner_id")
        .annotate(n=Count("client_id", distinct=True))
        .values_list("client__owner_id", "n")
    )
    missed = checklist_missed(restrict(logs if owners is None else logs.filter(owner_id__in=owners), "client__"))
    return visited, missed


def raw_board(monkeypatch):
    monkeypatch.setattr(figures, "rollup_visit_counts", visit_counts)
    monkeypatch.setattr(figures, "visits_logged_per_day", _raw_per_day_kw)
    monkeypatch.setattr(figures, "visited_and_checklist", raw_visited_and_checklist)
    monkeypatch.setattr(figures, "rollup_coverage", coverage)


def _raw_per_day_kw(*, owners, month, until, restrict):
    return _raw_per_day(owners, month, until, restrict)


def write_board_facts(rng: random.Random, managers, steps: int) -> dict[str, int]:
    """The other writes the board's new rollups follow: a visit logged with its type's
    checklist (some items not done), a checklist answer added one by one (the admin), a
    client's status changed, a plan returned and approved again."""
    today = timezone.localdate()
    days = [month_start(today) - timedelta(days=n) for n in range(0, 40)]
    days = [day for day in days if day <= today] + [today - timedelta(days=n) for n in range(3)]
    names = ["checklist", "answer_item", "status", "replan"]
    done = dict.fromkeys(names, 0)
    items = {}
    from visits.defaults import ensure_visit_types
    from visits.models import VisitType

    ensure_visit_types()  # set aside for the suite (conftest): in use from here on
    VisitType.objects.update(is_active=True)
    for visit_type in VisitType.objects.filter(is_active=True, requires_photo=False):
        found = list(visit_type.checklist_items.filter(is_active=True))
        if found:
            items[visit_type] = found
    for _step in range(steps):
        action = rng.choice(names)
        client = rng.choice(list(Client.objects.filter(owner__in=managers).order_by("pk")))
        owner = client.owner
        with suppress(ValidationError, PermissionDenied):
            if action == "checklist" and items:
                visit_type = rng.choice(list(items))
                answers = {item.pk: (item.required or rng.random() < 0.5, "") for item in items[visit_type]}
                services.log_visit(
                    owner=owner, client=client, submission=uuid.uuid4().hex, day=rng.choice(days),
                    method=VisitMethod.PHONE, work_done="Checked the list", visit_type=visit_type, checklist=answers,
                )  # fmt: skip
            elif action == "answer_item":
                log = VisitLog.objects.order_by("?").first()
                if log is None:
                    continue
                ChecklistAnswer.objects.create(log=log, text="Asked by hand", done=rng.random() < 0.3)
            elif action == "status":
                client.status = rng.choice([Client.Status.ACTIVE, Client.Status.DORMANT, Client.Status.LOST])
                client.save()
            elif action == "replan":
                plan = MonthlyPlan.objects.filter(owner__in=managers).order_by("?").first()
                if plan is None:
                    continue
                plan.status = MonthlyPlan.Status.RETURNED
                plan.save()
                if rng.random() < 0.7:
                    plan.status = MonthlyPlan.Status.APPROVED
                    plan.save()
            else:
                continue
            done[action] += 1
    return done


@pytest.mark.parametrize("seed", [3, 11])
def test_board_rollups_equal_the_raw_board_in_every_scope(
    seed, monkeypatch, supervisor, manager, teammate, other_supervisor, other_manager, admin_user
):
    from accounts.tests.factories import ManagerFactory
    from visits.tests.factories import PlanLineFactory

    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    today = timezone.localdate()
    months = [previous_month(month_start(today)), month_start(today)]
    managers = [manager, teammate, other_manager, ManagerFactory(team=None)]
    written = write_random_facts(rng, managers, admin_user, months, steps=150)
    # The plans' lines (the random facts' plans have none): every client of its manager, at
    # a random frequency, one by one (as the admin's inline or a fixture saves them).
    for plan in MonthlyPlan.objects.filter(owner__in=managers, status=MonthlyPlan.Status.APPROVED):
        for client in Client.objects.filter(owner=plan.owner_id):
            PlanLineFactory(plan=plan, client=client, frequency=rng.choice(["weekly", "twice_monthly", "monthly"]))
    written |= write_board_facts(rng, managers, steps=60)
    assert all(written[name] for name in ("log", "unplanned", "hand_over", "checklist", "status", "replan")), written
    assert VisitDay.objects.filter(first_visits__gt=0).exists()
    assert VisitDay.objects.filter(checklist_missed__gt=0).exists()
    assert PlanCoverage.objects.filter(reached__gt=0).exists()
    for month in months:
        assert drift(month) == [], f"rollups of {month:%Y-%m} drifted"

    viewers = [(admin_user, None), (supervisor, None), (supervisor, supervisor.team), (other_supervisor, None),
               (manager, None)]  # fmt: skip
    for viewer, team in viewers:
        scope = scope_for(viewer)
        restrict = seen_with_client(scope, team)
        company_wide = scope.sees_everything and team is None
        people = User.objects.filter(
            Q(pk__in=scope.users().filter(role=User.Role.MANAGER).values("pk"))
            | Q(pk__in=restrict(Client.objects.all(), "").values("owner_id"))
        )
        ids = list(people.values_list("pk", flat=True))
        for month in months:
            for until in sorted({min(today, month_end(month)), month + timedelta(days=8), month_end(month)}):
                args = {"owners": None if company_wide else ids, "month": month, "until": until, "restrict": restrict}
                assert rolled.visited_and_checklist(**args) == raw_visited_and_checklist(**args), (viewer, team, until)
                assert rolled.coverage(args["owners"], month, until, restrict) == coverage(
                    args["owners"], month, until, restrict
                ), (viewer, team, until)
            # The whole board, both ways, at the same "today".
            board = {"today": today, "restrict": restrict, "company_wide": company_wide}
            with monkeypatch.context() as patched:
                raw_board(patched)
                raw = figures.visit_dashboard(people, month, **board)
            rolled_up = figures.visit_dashboard(people, month, **board)
            assert [[getattr(row, name) for name in BOARD] for row in rolled_up.rows] == [
                [getattr(row, name) for name in BOARD] for row in raw.rows
            ], (viewer, team, month)
            assert rolled_up.per_day == raw.per_day


def test_a_supervisor_sees_only_the_team_clients_counted(supervisor, manager, teammate, other_manager, admin_user):
    """Not visited and coverage for a supervisor: a client handed to another team leaves the
    supervisor's counts (the rollups follow the client's owner and team now)."""
    from clients.services import reassign_owner
    from clients.tests.factories import ClientFactory
    from visits.tests.factories import MonthlyPlanFactory, PlanLineFactory

    today = timezone.localdate()
    month = month_start(today)
    plan = MonthlyPlanFactory(owner=manager, month=month, status=MonthlyPlan.Status.APPROVED)
    clients = [ClientFactory(owner=manager, status=Client.Status.ACTIVE) for _ in range(3)]
    for client in clients:
        PlanLineFactory(plan=plan, client=client, frequency="monthly")
    for client in clients[:2]:
        services.log_visit(
            owner=manager, client=client, submission=uuid.uuid4().hex, day=today, method=VisitMethod.PHONE,
            work_done="Visited",
        )  # fmt: skip
    restrict = seen_with_client(scope_for(supervisor), None)
    visited, _missed = rolled.visited_and_checklist(owners=[manager.pk], month=month, until=today, restrict=restrict)
    _covered, in_plan = rolled.coverage([manager.pk], month, today, restrict)
    assert visited == {manager.pk: 2}
    assert in_plan == {manager.pk: 3}
    reassign_owner(client=clients[0], new_owner=other_manager, by=admin_user, reason="Territory change")
    visited, _missed = rolled.visited_and_checklist(owners=[manager.pk], month=month, until=today, restrict=restrict)
    covered_after, in_plan = rolled.coverage([manager.pk], month, today, restrict)
    assert visited == {manager.pk: 1}
    assert in_plan == {manager.pk: 2}  # the line stays the manager's, the client is out of scope
    assert visited == raw_visited_and_checklist(owners=[manager.pk], month=month, until=today, restrict=restrict)[0]
    assert (covered_after, in_plan) == coverage([manager.pk], month, today, restrict)
    # A client no longer active leaves "visited" (its status refreshes its rows).
    clients[1].status = Client.Status.DORMANT
    clients[1].save()
    visited, _missed = rolled.visited_and_checklist(owners=[manager.pk], month=month, until=today, restrict=restrict)
    assert visited == {}


def test_a_log_moved_to_another_client_counts_both_clients_again(manager):
    """A visit log moved to another client (the admin may change it): the first client's next
    log becomes its first of the month, and the rollups say so at once (no drift)."""
    from clients.tests.factories import ClientFactory
    from visits.tests.factories import MonthlyPlanFactory

    today = timezone.localdate()
    month = month_start(today)
    MonthlyPlanFactory(owner=manager, month=month, status=MonthlyPlan.Status.APPROVED)
    first, second = (ClientFactory(owner=manager, status=Client.Status.ACTIVE) for _ in range(2))
    logs = [
        services.log_visit(
            owner=manager, client=first, submission=uuid.uuid4().hex, day=day, method=VisitMethod.PHONE,
            work_done="Visited",
        )[0]
        for day in (month, today)
    ]  # fmt: skip
    moved = VisitLog.objects.get(pk=logs[0].pk)
    moved.client = second
    moved.save()
    assert drift(month) == []
    until = month_end(month)
    visited, _missed = rolled.visited_and_checklist(owners=[manager.pk], month=month, until=until, restrict=_anyone)
    assert visited == {manager.pk: 2}


def _anyone(queryset, prefix):
    return queryset


def test_a_deleted_client_leaves_the_coverage_of_its_plans(manager):
    """A client deleted (no visit logged yet: logs protect it) takes its plan lines with it;
    the approved plan's coverage no longer counts it, at once."""
    from clients.tests.factories import ClientFactory
    from visits.tests.factories import MonthlyPlanFactory, PlanLineFactory

    month = month_start(timezone.localdate())
    plan = MonthlyPlanFactory(owner=manager, month=month, status=MonthlyPlan.Status.APPROVED)
    kept, deleted = (ClientFactory(owner=manager, status=Client.Status.ACTIVE) for _ in range(2))
    for client in (kept, deleted):
        PlanLineFactory(plan=plan, client=client, frequency="monthly")
    assert rolled.coverage([manager.pk], month, month_end(month), _anyone)[1] == {manager.pk: 2}
    deleted.delete()
    assert drift(month) == []
    assert rolled.coverage([manager.pk], month, month_end(month), _anyone)[1] == {manager.pk: 1}
