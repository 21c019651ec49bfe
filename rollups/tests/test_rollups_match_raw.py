"""Random visit facts, survey answers and complaints written through the services (seeded):
the rollups equal a full recomputation, and the boards' figures read from them equal the
raw rows' figures for every viewer's scope."""

from __future__ import annotations

import random
import uuid
from contextlib import suppress
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone

from accounts.scoping import scope_for
from accounts.tests.factories import ManagerFactory
from clients.models import VisitMethod
from clients.services import reassign_owner
from clients.tests.factories import ClientFactory
from dashboards.selectors import seen_with_client
from rollups import selectors as rolled
from rollups.models import SurveyMonth, VisitDay
from rollups.services import drift
from surveys import services as surveys
from surveys.defaults import ensure_default_survey
from surveys.models import Response
from surveys.selectors import month_scores
from visits import services
from visits.models import MonthlyPlan, PlannedVisit, VisitLog
from visits.rules import month_end, month_start, previous_month
from visits.selectors import VisitCounts, visit_counts
from visits.tests.factories import MonthlyPlanFactory


def _nonzero(counts: dict[int, VisitCounts]) -> dict[int, VisitCounts]:
    return {owner: found for owner, found in counts.items() if found != VisitCounts()}


def _raw_per_day(owners, month, until, restrict):
    logs = VisitLog.objects.filter(date__range=(month, until))
    if owners is not None:
        logs = logs.filter(owner_id__in=owners)
    return list(
        restrict(logs, "client__").values("date").annotate(n=Count("*")).order_by("date").values_list("date", "n")
    )


def write_random_facts(rng: random.Random, managers, admin, months, steps: int) -> dict[str, int]:
    """Plan, generate, log (planned and not), mark done / missed / back, cancel, delete,
    record temporary tasks and hand clients over, at random, through the services."""
    today = timezone.localdate()
    days = [months[0] + timedelta(days=n) for n in range((month_end(months[-1]) - months[0]).days + 1)]
    past = [day for day in days if day <= today]
    for manager in managers:
        for month in months:
            MonthlyPlanFactory(owner=manager, month=month, status=MonthlyPlan.Status.APPROVED)
    clients = [ClientFactory(owner=rng.choice(managers), visit_method=VisitMethod.PHONE) for _ in range(10)]
    ensure_default_survey()
    now = timezone.now()
    names = ["plan", "generate", "log", "unplanned", "mark", "cancel", "delete", "task", "hand_over", "answer"]
    done = dict.fromkeys(names, 0)
    refused = (ValidationError, PermissionDenied)
    for _step in range(steps):
        action = rng.choices(list(done), weights=[20, 2, 14, 6, 10, 4, 3, 8, 3, 12])[0]
        client = rng.choice(clients)
        client.refresh_from_db()
        owner = client.owner
        visits = list(PlannedVisit.objects.filter(owner=owner).order_by("pk"))
        with suppress(*refused):
            if action == "plan":
                services.add_visit(owner=owner, client=client, day=rng.choice(days), by=owner)
            elif action == "generate":
                month = rng.choice(months)
                services.generate_visits(owner=owner, start=month, end=month_end(month), by=owner)
            elif action == "log" and visits:
                visit = rng.choice(visits)
                services.log_visit(
                    owner=visit.owner, client=visit.client, submission=uuid.uuid4().hex, day=visit.date,
                    method=VisitMethod.PHONE, work_done="Went through the bill", planned_visit=visit,
                )  # fmt: skip
            elif action == "unplanned":
                services.log_visit(
                    owner=owner, client=client, submission=uuid.uuid4().hex, day=rng.choice(past),
                    method=VisitMethod.PHONE, work_done="Dropped in",
                )  # fmt: skip
            elif action == "mark" and visits:
                services.mark_visit(rng.choice(visits), by=owner, done=rng.choice([True, False, None]))
            elif action == "cancel" and visits:
                visit = rng.choice(visits)
                visit.status = PlannedVisit.Status.CANCELLED
                visit.save(update_fields=["status"])
            elif action == "delete" and visits:
                rng.choice(visits).delete()  # as the schedule's "remove" does
            elif action == "task":
                services.add_temporary_task(
                    owner=owner, day=rng.choice(days), description="Brought the contract",
                    client=rng.choice([None, client]),
                )  # fmt: skip
            elif action == "answer":
                answer_survey(rng, client, owner, now - timedelta(hours=rng.randrange(24 * 60)))
            elif action == "hand_over":
                to = rng.choice([m for m in managers if m.pk != owner.pk])
                reassign_owner(client=client, new_owner=to, by=admin, reason="Territory change")
            else:
                continue
            done[action] += 1
    return done


def answer_survey(rng: random.Random, client, owner, moment) -> Response:
    """Invite and answer at ``moment`` (the answers' month is the moment's)."""
    with time_machine.travel(moment, tick=False):
        invitation = surveys.invite(client, contact=None, by=owner)
        answers = {}
        for question in invitation.template.questions.all():
            if question.kind in ("rating", "nps"):
                answers[question.pk] = rng.randint(*question.SCALES[question.kind])
        return surveys.submit(invitation, answers)


@pytest.mark.parametrize("seed", [1, 7, 31])
def test_random_facts_keep_rollups_equal_to_a_full_recomputation(
    seed, supervisor, manager, teammate, other_supervisor, other_manager, admin_user
):
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    today = timezone.localdate()
    months = [previous_month(month_start(today)), month_start(today)]
    managers = [manager, teammate, other_manager, ManagerFactory(team=None)]
    written = write_random_facts(rng, managers, admin_user, months, steps=200)
    assert all(written[name] for name in ("plan", "log", "unplanned", "mark", "task", "hand_over", "answer")), written
    assert VisitDay.objects.exists() and SurveyMonth.objects.exists()
    for month in months:
        assert drift(month) == [], f"rollups of {month:%Y-%m} drifted"
    # What the boards read from the rollups equals what they computed from the raw rows.
    viewers = [(admin_user, None), (supervisor, None), (supervisor, supervisor.team), (other_supervisor, None),
               (manager, None)]  # fmt: skip
    for viewer, team in viewers:
        restrict = seen_with_client(scope_for(viewer), team)
        for month in months:
            until = min(today, month_end(month))
            for owners in (None, [m.pk for m in managers], [manager.pk]):
                raw = visit_counts(owners=owners, month=month, until=until, today=today, restrict=restrict)
                rolled_up = rolled.visit_counts(owners=owners, month=month, until=until, today=today, restrict=restrict)
                assert _nonzero(rolled_up) == _nonzero(raw), (viewer, team, month, owners)
                assert rolled.visits_logged_per_day(
                    owners=owners, month=month, until=until, restrict=restrict
                ) == _raw_per_day(owners, month, until, restrict)
    # The satisfaction board's scores: from the survey rollups as from the answers.
    for viewer, team in viewers:
        scope = scope_for(viewer)
        responses, rows = Response.objects.visible_to(scope), SurveyMonth.objects.visible_to(scope)
        if team is not None:
            responses, rows = responses.filter(client__team=team), rows.filter(client_team=team)
        if viewer.is_manager:
            responses, rows = responses.of_manager(viewer), rows.of_manager(viewer)
        for month in months:
            raw, rolled_up = month_scores(responses, month), rolled.month_scores(rows, responses, month)
            for name in ("total", "by_owner", "by_team", "by_tier", "by_month"):
                assert getattr(rolled_up, name) == getattr(raw, name), (viewer, team, month, name)
    # A cut-off before today (a board of an earlier day) agrees too.
    earlier = today - timedelta(days=5)
    restrict = seen_with_client(scope_for(admin_user), None)
    assert _nonzero(
        rolled.visit_counts(owners=None, month=months[1], until=earlier, today=earlier, restrict=restrict)
    ) == _nonzero(visit_counts(owners=None, month=months[1], until=earlier, today=earlier, restrict=restrict))


# --- complaints -----------------------------------------------------------------------------


def write_random_complaints(rng: random.Random, managers, admin, first_day, steps: int) -> dict[str, int]:
    """Register (some needing someone on site), answer, start, resolve, close, reopen, pause
    and resume, escalate by hand and by the job, record someone on site, auto-close, hand
    clients over and change their tier, at random, through the services."""
    from clients.models import Tier
    from clients.tests.factories import TierFactory, default_tier
    from complaints import services as complaints
    from complaints.models import Category, Complaint, Severity
    from complaints.tests.factories import leaf_category

    leaf_category()  # the default categories
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk"))
    quality = [category for category in categories if category.is_quality] or [
        Category.objects.create(name="Defect", parent=categories[0].parent, quality=True)
    ]
    tiers = [default_tier(), *Tier.objects.exclude(code="standard")[:2], TierFactory(code="gold")]
    clients = [ClientFactory(owner=rng.choice(managers), tier=rng.choice(tiers)) for _ in range(8)]
    now = timezone.now()
    hours_back = int((now - timezone.make_aware(datetime.combine(first_day, time()))).total_seconds() // 3600)
    names = ["register", "on_site_needed", "step", "escalate", "job", "on_site", "auto_close", "hand_over", "tier"]
    done = dict.fromkeys(names, 0)
    steps_taken: dict[str, int] = {}
    details = {"note": "Told the client", "root_cause": "Wrong rate", "action_taken": "Refunded"}
    # One resolved late and one on time for sure (at a client the random steps leave alone).
    settled = ClientFactory(owner=managers[0])
    for hours in (hours_back - 1, 1):
        complaint = complaints.register(
            by=settled.owner, client=settled, channel="phone", category=categories[0], severity="normal",
            description="The bill was wrong", received_at=now - timedelta(hours=hours),
        )  # fmt: skip
        for step in ("acknowledge", "start", "resolve"):
            complaints.move(complaint, step, by=complaint.owner, **details)
    for _step in range(steps):
        action = rng.choices(names, weights=[12, 4, 60, 4, 3, 4, 2, 3, 3])[0]
        client = rng.choice(clients)
        client.refresh_from_db()
        mine = list(Complaint.objects.filter(client__in=clients).order_by("pk"))
        with suppress(ValidationError, PermissionDenied):
            if action in ("register", "on_site_needed"):
                category = rng.choice(quality if action == "on_site_needed" else categories)
                complaints.register(
                    by=rng.choice([client.owner, admin]), client=client, channel="phone", category=category,
                    severity=rng.choice(Severity.values), description="The bill was wrong",
                    received_at=now - timedelta(hours=rng.choice([rng.randrange(3), rng.randrange(hours_back)])),
                    needs_on_site=action == "on_site_needed",
                )  # fmt: skip
            elif action == "step" and mine:
                complaint = rng.choice(mine)
                step = rng.choice([name for name, (sources, *_) in complaints.TRANSITIONS.items()
                                   if complaint.state in sources])  # fmt: skip
                complaints.move(complaint, step, by=complaint.owner, **details)
                steps_taken[step] = steps_taken.get(step, 0) + 1
            elif action == "escalate" and mine:
                complaint = rng.choice(mine)
                complaints.escalate(complaint, by=complaint.owner, reason="The client called again")
            elif action == "job":
                complaints.escalate_breached(now + timedelta(hours=rng.randrange(1, 200)))
            elif action == "on_site":
                complaints.record_on_site(client_id=client.pk, at=timezone.now())
            elif action == "auto_close":
                complaints.close_unanswered(now + timedelta(days=8))
            elif action == "hand_over":
                to = rng.choice([m for m in managers if m.pk != client.owner_id])
                reassign_owner(client=client, new_owner=to, by=admin, reason="Territory change")
            elif action == "tier":
                client.tier = rng.choice([tier for tier in tiers if tier.pk != client.tier_id])
                client.save()
            else:
                continue
            done[action] += 1
    return done | {f"step:{step}": n for step, n in steps_taken.items()}


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_random_complaints_keep_rollups_equal_to_a_full_recomputation(
    seed, supervisor, manager, teammate, other_supervisor, other_manager, admin_user
):
    from complaints.models import Complaint
    from dashboards.figures import complaint_dashboard
    from rollups.models import ComplaintDay
    from visits.rules import month_bounds

    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    today = timezone.localdate()
    months = [previous_month(month_start(today)), month_start(today)]
    managers = [manager, teammate, other_manager, ManagerFactory(team=None)]
    written = write_random_complaints(rng, managers, admin_user, months[0], steps=200)
    for name in ("register", "on_site_needed", "escalate", "job", "on_site", "hand_over", "tier"):
        assert written[name], written
    for step in ("acknowledge", "start", "resolve", "reopen", "pause", "resume"):  # closed: checked below
        assert written.get(f"step:{step}"), written
    # Every outcome the rollups keep happened: late and on time, paused, escalated, closed.
    kept = ComplaintDay.objects.all()
    for name in ("first_responses", "first_responses_late", "resolved", "resolved_late", "on_site", "escalated",
                 "closed", "paused"):  # fmt: skip
        assert sum(getattr(row, name) for row in kept), name
    assert any(row.first_responses > row.first_responses_late for row in kept)  # some on time
    for month in months:
        assert drift(month) == [], f"rollups of {month:%Y-%m} drifted"
    # The board from the rollups equals the board from the raw rows, for every viewer, now
    # and later (deadlines not met yet pass due as time goes on).
    viewers = [(admin_user, None), (supervisor, None), (supervisor, supervisor.team), (other_supervisor, None),
               (manager, None)]  # fmt: skip
    for viewer, team in viewers:
        scope = scope_for(viewer)
        complaints, rows = Complaint.objects.visible_to(scope), ComplaintDay.objects.visible_to(scope)
        if team is not None:
            complaints, rows = complaints.filter(team=team), rows.filter(team=team)
        if viewer.is_manager:
            complaints, rows = complaints.of_manager(viewer), rows.of_manager(viewer)
        for month in months:
            start, end = month_bounds(month)
            for later in (0, 5, 50, 400):
                at = timezone.now() + timedelta(hours=later)
                raw = complaint_dashboard(complaints, start, end, at)
                rolled_up = complaint_dashboard(complaints, start, end, at, rollups=rows)
                assert rolled_up == raw, (viewer, team, month, later)
    everyone = complaint_dashboard(Complaint.objects.all(), *month_bounds(months[1]))
    assert everyone.received and everyone.resolution_total and everyone.on_site_total
