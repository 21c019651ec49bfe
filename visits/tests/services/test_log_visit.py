"""``visits.services.log_visit``: the one service that records a visit, whoever calls it
(the web form, the API, an offline phone through the API)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from clients.tests.factories import ClientFactory
from interactions.models import Interaction
from performance.models import ClientWarning
from visits import rules, services
from visits.models import PlannedVisit, VisitLog
from visits.tests.factories import PlannedVisitFactory, ServiceStrategyFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
MONTH = rules.month_start(TODAY)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def acme(manager, supervisor):
    """The manager's client, this month's plan approved, and a visit planned today."""
    client = ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")
    plan = services.start_plan(owner=manager, month=MONTH, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return client


@pytest.fixture
def visit(manager, acme):
    return PlannedVisitFactory(owner=manager, client=acme, date=TODAY, method="on_site")


def log(manager, client, **kwargs):
    values = {"submission": "s-1", "day": TODAY, "method": "phone", "work_done": "Visited"}
    return services.log_visit(owner=manager, client=client, **{**values, **kwargs})


def test_a_planned_visit_is_done_its_strategies_closed_and_the_last_visit_moves(manager, acme, visit):
    item = ServiceStrategyFactory(client=acme, month=MONTH, text="Explain the new rates")
    next_month = ServiceStrategyFactory(client=acme, month=rules.next_month(MONTH), text="Later")
    entry, created = log(manager, acme, planned_visit=visit, strategy_ids=[item.pk, next_month.pk])
    assert created and entry.planned_visit == visit and not entry.is_temporary
    visit.refresh_from_db()
    item.refresh_from_db()
    next_month.refresh_from_db()
    acme.refresh_from_db()
    assert visit.status == PlannedVisit.Status.DONE
    assert (item.state, next_month.state) == ("done", "open")
    assert acme.last_visited_on == TODAY


def test_without_a_planned_visit_the_days_own_is_found_or_it_is_a_temporary_task(manager, acme, visit):
    entry, _ = log(manager, acme)
    assert entry.planned_visit == visit
    other = ClientFactory(owner=manager, visit_method="phone")
    extra, _ = log(manager, other, submission="s-2")
    assert extra.is_temporary and extra.planned_visit is None


def test_a_visit_logged_on_another_day_is_not_that_planned_visit(manager, acme, visit):
    yesterday = TODAY - timedelta(days=1)
    entry, _ = log(manager, acme, planned_visit=visit, day=yesterday)
    visit.refresh_from_db()
    assert entry.is_temporary and visit.status == PlannedVisit.Status.PLANNED


def test_the_same_submission_twice_is_one_log(manager, teammate, acme, visit):
    first, created = log(manager, acme, planned_visit=visit)
    again, created_again = log(manager, acme, planned_visit=visit)
    assert created and not created_again and again == first and VisitLog.objects.count() == 1
    with pytest.raises(PermissionDenied):  # someone else's submission is not replayed to them
        log(teammate, acme)


@pytest.mark.parametrize("status", [PlannedVisit.Status.CANCELLED, PlannedVisit.Status.DONE])
def test_a_cancelled_or_done_visit_is_refused(manager, acme, visit, status):
    visit.status = status
    visit.save()
    with pytest.raises(ValidationError) as refused:
        log(manager, acme, planned_visit=visit)
    assert "planned_visit" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.status == status and not VisitLog.objects.exists()


def test_a_visit_with_a_log_is_refused(manager, acme, visit):
    log(manager, acme, planned_visit=visit)
    with pytest.raises(ValidationError):
        log(manager, acme, planned_visit=visit, submission="s-2")
    assert VisitLog.objects.count() == 1


def test_only_the_managers_own_client_and_visit_still_theirs(manager, teammate, acme, visit):
    theirs = ClientFactory(owner=teammate)
    with pytest.raises(PermissionDenied):
        log(manager, theirs)
    their_visit = PlannedVisitFactory(owner=teammate, client=acme, date=TODAY - timedelta(days=2),
                                              method="on_site")  # fmt: skip
    with pytest.raises(PermissionDenied):
        log(manager, acme, planned_visit=their_visit)
    acme.owner = teammate  # handed over: the visit goes with the client
    acme.save()
    with pytest.raises(PermissionDenied):
        log(teammate, acme, planned_visit=visit)
    assert not VisitLog.objects.exists()


def test_not_the_future_not_without_an_approved_plan_and_no_follow_up_before_the_visit(manager, acme):
    with pytest.raises(ValidationError) as future:
        log(manager, acme, day=TODAY + timedelta(days=1))
    assert "date" in future.value.message_dict
    with pytest.raises(ValidationError):  # no plan for last month
        log(manager, acme, day=rules.month_start(TODAY) - timedelta(days=1))
    with pytest.raises(ValidationError) as follow_up:
        log(manager, acme, next_follow_up=TODAY - timedelta(days=1))
    assert "next_follow_up" in follow_up.value.message_dict
    with pytest.raises(ValidationError):
        log(manager, acme, submission="")
    assert not VisitLog.objects.exists()


def test_retention_fields_are_kept_only_for_a_client_tending_to_leave(manager, acme):
    other = ClientFactory(owner=manager, visit_method="phone")
    ClientWarning.objects.create(client=acme, rule="repeated_complaints", first_flagged_at=NOW, last_seen_at=NOW)
    kept, _ = log(manager, acme, retention_offer="Fee waived", retention_outcome="kept")
    dropped, _ = log(manager, other, submission="s-2", retention_offer="Fee waived", retention_outcome="kept")
    assert (kept.retention_offer, kept.retention_outcome) == ("Fee waived", "kept")
    assert (dropped.retention_offer, dropped.retention_outcome) == ("", "")


def test_a_request_taken_on_the_visit_is_saved_with_it_or_neither_is(manager, acme, monkeypatch):
    entry, _ = log(manager, acme, request_text="A second delivery on Fridays")
    request = Interaction.objects.get(is_request=True)
    assert request.summary == "A second delivery on Fridays" and request.owner == manager
    assert request.client == entry.client

    def broken(*args, **kwargs):
        raise ValidationError("the request could not be saved")

    monkeypatch.setattr(services, "take_request_on_visit", broken)
    with pytest.raises(ValidationError):
        log(manager, acme, submission="s-2", request_text="Another")
    assert VisitLog.objects.count() == 1 and Interaction.objects.filter(is_request=True).count() == 1
