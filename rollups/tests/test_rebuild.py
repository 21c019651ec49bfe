"""The nightly rebuild repairs rows that drifted; by hand with ``manage.py rebuild_rollups``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from notifications.jobs import JOBS, run_job
from rollups import selectors as rolled
from rollups.models import VisitDay
from rollups.services import drift, rebuild_month, refresh_days
from visits.models import PlannedVisit
from visits.rules import month_start, previous_month
from visits.tests.factories import PlannedVisitFactory, TemporaryTaskFactory, VisitLogFactory


@pytest.fixture
def facts(manager):
    today = timezone.localdate()
    acme = ClientFactory(owner=manager)
    PlannedVisitFactory(client=acme, date=today - timedelta(days=1), status=PlannedVisit.Status.DONE)
    PlannedVisitFactory(client=acme, date=today - timedelta(days=2))
    VisitLogFactory(client=acme, date=today - timedelta(days=1))
    TemporaryTaskFactory(owner=manager, date=today)
    return acme


def test_every_single_write_keeps_the_rollups_right(manager, facts):
    assert drift(timezone.localdate()) == []
    assert (
        rolled.visit_counts(owners=[manager], month=timezone.localdate(), until=timezone.localdate())[
            manager.pk
        ].planned
        == 2
    )


def test_the_nightly_job_repairs_a_corrupted_row(manager, facts):
    today = timezone.localdate()
    row = VisitDay.objects.filter(owner=manager, planned_open__gt=0).get()
    row.planned_open = 40  # drifted: a bulk fix in the database, a write that bypassed the services
    row.save()
    VisitDay.objects.create(owner=manager, day=today, planned_open=3)  # a row of nothing
    previous = previous_month(month_start(today))
    VisitDay.objects.create(owner=manager, day=previous, done=9)
    assert len(drift(today)) == 2 and drift(previous)

    assert "rollups.rebuild" in JOBS
    run = run_job("rollups.rebuild")

    assert run.ok and run.counts == {f"{previous:%Y-%m}": 0, f"{today:%Y-%m}": 3}
    assert drift(today) == [] and drift(previous) == []
    assert VisitDay.objects.get(owner=manager, planned_open__gt=0).planned_open == 1


def test_rebuild_by_hand(manager, facts):
    today = timezone.localdate()
    VisitDay.objects.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", "--month", f"{today:%Y-%m}", stdout=out)
    assert f"{today:%Y-%m}: 3 rows" in out.getvalue()
    assert drift(today) == []
    VisitDay.objects.all().delete()
    call_command("rebuild_rollups", "--all", stdout=StringIO())
    assert drift(today) == []
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--month", "2026-13", stdout=StringIO())


def test_refresh_is_idempotent_and_ignores_unknown_pairs(manager, facts):
    today = timezone.localdate()
    before = sorted((row.key(), row.counts()) for row in VisitDay.objects.all())
    refresh_days([(manager.pk, today), (manager.pk, today), (None, today), (manager.pk, None)])
    refresh_days([])
    assert sorted((row.key(), row.counts()) for row in VisitDay.objects.all()) == before
    assert rebuild_month(today) == len(before)


def test_moving_a_visit_to_another_day_and_manager_refreshes_both(manager, teammate, facts):
    today = timezone.localdate()
    visit = PlannedVisit.objects.get(client=facts, status=PlannedVisit.Status.PLANNED)
    visit.date = today - timedelta(days=3)
    visit.owner = teammate
    visit.save()
    assert drift(today) == []
    assert VisitDay.objects.filter(owner=teammate, day=today - timedelta(days=3), planned_open=1).exists()


def test_the_boards_read_a_constant_number_of_queries(manager, teammate, django_assert_max_num_queries):
    today = timezone.localdate()
    few = [manager.pk]
    many = [manager.pk, teammate.pk] + [ManagerFactory().pk for _ in range(5)]
    for owner in many:
        client = ClientFactory(owner_id=owner)
        PlannedVisitFactory(client=client, date=today - timedelta(days=1))
        VisitLogFactory(client=client, date=today - timedelta(days=1), is_temporary=True)
    for owners in (few, many, None):
        with django_assert_max_num_queries(1):
            rolled.visit_counts(owners=owners, month=today, until=today)
        with django_assert_max_num_queries(1):
            rolled.visits_logged_per_day(owners=owners, month=today, until=today)


def test_an_answer_keeps_its_rollup_and_the_nightly_job_repairs_one_that_drifted(manager, teammate, admin_user):
    from clients.services import reassign_owner
    from rollups.models import SurveyMonth
    from surveys import services as surveys
    from surveys.defaults import ensure_default_survey

    ensure_default_survey()
    acme = ClientFactory(owner=manager)
    invitation = surveys.invite(acme, contact=None, by=manager)
    questions = list(invitation.template.questions.all())
    ratings = sum(1 for q in questions if q.kind == "rating")
    scores = {"rating": 5, "nps": 3}
    surveys.submit(invitation, {q.pk: scores[q.kind] for q in questions if q.kind in scores})
    row = SurveyMonth.objects.get()
    assert (row.owner, row.client_owner, row.responses) == (manager, manager, 1)
    assert (row.ratings, row.satisfied, row.nps_answers, row.promoters, row.detractors) == (ratings, ratings, 1, 0, 1)
    reassign_owner(client=acme, new_owner=teammate, by=admin_user, reason="Territory change")
    row = SurveyMonth.objects.get()  # recomputed: a new row
    assert (row.owner, row.client_owner) == (manager, teammate)  # earned by manager, seen with teammate's client
    SurveyMonth.objects.update(satisfied=0, responses=7)
    assert drift(timezone.localdate())
    run_job("rollups.rebuild")
    assert drift(timezone.localdate()) == []
    assert SurveyMonth.objects.get().responses == 1


# --- complaints -----------------------------------------------------------------------------


@pytest.fixture
def complaints_of(manager):
    from complaints import services as complaints
    from complaints.tests.factories import ComplaintFactory

    acme = ClientFactory(owner=manager)
    now = timezone.now()
    late = ComplaintFactory(client=acme, received_at=now - timedelta(days=6), severity="high")  # 4 h, 24 h
    for step in ("acknowledge", "start", "resolve"):
        complaints.move(late, step, by=manager, note="Told them", root_cause="Rate", action_taken="Refund")
    ComplaintFactory(client=acme, received_at=now - timedelta(hours=1))
    return acme


def test_a_complaint_keeps_its_rollup_and_the_nightly_job_repairs_one_that_drifted(
    client, supervisor, manager, complaints_of
):
    from django.urls import reverse

    from rollups.models import ComplaintDay

    today = timezone.localdate()
    assert drift(today) == []
    assert sum(row.received for row in ComplaintDay.objects.all()) == 2
    late = ComplaintDay.objects.get(resolved=1)
    assert (late.first_responses, late.first_responses_late, late.resolved_late) == (1, 1, 1)
    client.force_login(supervisor)
    board = client.get(reverse("dashboards:complaints")).context["board"]
    assert (board.received, board.resolution_breached, board.resolution_total) == (2, 1, 1)

    late.received, late.resolved_late = 40, 0  # drifted: a fix in SQL, a write that bypassed the services
    late.save()
    ComplaintDay.objects.create(
        owner=manager,
        team=manager.team,
        day=today,
        category_id=late.category_id,
        severity="low",
        tier_id=late.tier_id,
        received=3,
    )  # a row of nothing
    assert len(drift(today)) == 2
    board = client.get(reverse("dashboards:complaints")).context["board"]
    assert board.received == 44  # the board reads the rollups

    run = run_job("rollups.rebuild")
    assert run.ok and run.counts[f"{today:%Y-%m}"] == len(ComplaintDay.objects.all())
    assert drift(today) == []
    board = client.get(reverse("dashboards:complaints")).context["board"]
    assert (board.received, board.resolution_breached, board.resolution_total) == (2, 1, 1)
    ComplaintDay.objects.all().delete()
    call_command("rebuild_rollups", "--all", stdout=StringIO())
    assert drift(today) == [] and ComplaintDay.objects.exists()


def test_a_hand_over_and_a_new_tier_move_the_complaints_rows(manager, teammate, admin_user, complaints_of):
    from clients.services import reassign_owner
    from clients.tests.factories import TierFactory
    from rollups.models import ComplaintDay

    today = timezone.localdate()
    reassign_owner(client=complaints_of, new_owner=teammate, by=admin_user, reason="Territory change")
    assert drift(today) == []
    # The open one moves to the new manager; the resolved one too (not yet closed).
    assert sorted(ComplaintDay.objects.values_list("owner_id", flat=True)) == [teammate.pk, teammate.pk]
    complaints_of.refresh_from_db()
    complaints_of.tier = TierFactory(code="gold")
    complaints_of.save()
    assert drift(today) == []
    assert set(ComplaintDay.objects.values_list("tier__code", flat=True)) == {"gold"}


def test_the_escalation_job_counts_its_escalations(manager, complaints_of):
    from complaints.services import escalate_breached
    from rollups.models import ComplaintDay

    assert escalate_breached(timezone.now() + timedelta(days=30)) == 1  # the open one
    assert drift(timezone.localdate()) == []
    assert sum(row.escalated for row in ComplaintDay.objects.all()) == 1


def test_a_client_moved_by_a_plain_save_moves_its_rollup_rows(manager, other_manager, facts):
    """The admin's client form and an import save a new owner or team without the hand-over
    service: the rows that carry the client's owner and team follow anyway (review of #31)."""
    facts.owner = other_manager
    facts.team = other_manager.team
    facts.save()
    assert drift(timezone.localdate()) == []
    moved = VisitDay.objects.exclude(client_team=None)
    assert set(moved.values_list("client_owner_id", "client_team_id")) == {(other_manager.pk, other_manager.team_id)}
