"""Every approval flow decides the same way (accounts/decisions.py): monthly plans, month
results, gifts, grade proposals and messages to many clients.

The same table of cases runs through all five: the team's supervisor approves, rejects
with a comment, or cannot reject without one; the person who asked cannot decide their
own work; another team's supervisor cannot decide; a decided row cannot be decided
again. Each asserts the state, the decision fields, the history and the notification to
the person who asked.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import decisions
from care import services as care
from clients import services as clients
from clients.models import Client
from clients.tests.factories import ClientFactory, default_tier
from interactions import services as interactions
from notifications.models import Notification
from visits import month_review
from visits import services as visits

MONTH = date(2026, 6, 1)


@dataclass(frozen=True)
class Case:
    name: str
    flow: decisions.Flow
    submit: object  # (manager) -> a row waiting for a decision
    decide: object  # (row, by, approve, comment) -> the service call of the flow


def _plan(manager):
    ClientFactory.create_batch(2, owner=manager, tier=default_tier("basic"))
    plan = visits.start_plan(owner=manager, month=MONTH, by=manager)
    return visits.submit_plan(plan, by=manager)


def _decide_plan(plan, by, approve, comment):
    if approve:
        visits.approve_plan(plan, by=by, comment=comment)
    else:
        visits.return_plan(plan, by=by, comment=comment)


def _result(manager):
    return month_review.submit_result(month_review.result_for(manager, MONTH), by=manager)


def _gift(manager):
    return care.record_gift(
        client=ClientFactory(owner=manager), by=manager, occasion="birthday", item="Tea", value=Decimal("500"),
        given_on=MONTH,
    )  # fmt: skip


def _proposal(manager):
    return clients.propose_grade(client=ClientFactory(owner=manager), by=manager, reason="Grew", proposed_size="large")


def _message(manager):
    client = ClientFactory(owner=manager)
    return interactions.prepare_message(
        by=manager, clients=Client.objects.filter(pk=client.pk), channel="sms", subject="Holiday", body="Closed",
        criteria={},
    )  # fmt: skip


CASES = [
    Case("plan", visits.PLAN_DECISION, _plan, _decide_plan),
    Case(
        "result",
        month_review.RESULT_DECISION,
        _result,
        lambda row, by, approve, comment: month_review.review_result(row, by=by, approve=approve, comment=comment),
    ),
    Case(
        "gift",
        care.GIFT_DECISION,
        _gift,
        lambda row, by, approve, comment: care.decide_gift(row, by=by, approve=approve, comment=comment),
    ),
    Case(
        "proposal",
        clients.GRADE_PROPOSAL_DECISION,
        _proposal,
        lambda row, by, approve, comment: clients.decide_proposal(row, by=by, approve=approve, comment=comment),
    ),
    Case(
        "message",
        interactions.MESSAGE_DECISION,
        _message,
        lambda row, by, approve, comment: interactions.decide_message(row, by=by, approve=approve, comment=comment),
    ),
]


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request, settings):
    settings.CRM_GIFT_APPROVAL_ABOVE = 200
    return request.param


@pytest.fixture
def waiting(case, manager):
    manager.language = "en"
    manager.save()
    row = case.submit(manager)
    row.refresh_from_db()
    assert row.status == case.flow.pending
    return row


def told(case, manager) -> list[Notification]:
    return list(Notification.objects.filter(recipient=manager, kind=case.flow.kind))


def assert_undecided(case, row, manager):
    row.refresh_from_db()
    assert row.status == case.flow.pending
    assert (row.decided_by, row.decided_at, row.decision_comment) == (None, None, "")
    assert told(case, manager) == []


def test_the_teams_supervisor_approves(case, waiting, manager, supervisor):
    assert decisions.may_decide(waiting, supervisor, case.flow)
    case.decide(waiting, supervisor, True, " Fine ")
    waiting.refresh_from_db()
    assert waiting.status == case.flow.approved
    assert (waiting.decided_by, waiting.decision_comment) == (supervisor, "Fine")
    assert waiting.decided_at is not None
    history = waiting.history.order_by("-history_date", "-history_id").first()
    assert (history.status, history.history_user, history.history_change_reason) == (
        case.flow.approved,
        supervisor,
        "Fine",
    )
    [notification] = told(case, manager)
    assert notification.message.startswith(f"Approved by {supervisor}: ")
    assert notification.message.endswith("“Fine”")
    assert notification.url == waiting.get_absolute_url()
    assert not decisions.may_decide(waiting, supervisor, case.flow)


def test_an_admin_rejects_with_a_comment(case, waiting, manager, admin_user):
    case.decide(waiting, admin_user, False, "Not this month")
    waiting.refresh_from_db()
    assert waiting.status == case.flow.rejected
    assert (waiting.decided_by, waiting.decision_comment) == (admin_user, "Not this month")
    history = waiting.history.order_by("-history_date", "-history_id").first()
    assert (history.history_user, history.history_change_reason) == (admin_user, "Not this month")
    [notification] = told(case, manager)
    assert notification.message.startswith(f"{waiting.get_status_display()} by {admin_user}: ")
    assert "Not this month" in notification.message


def test_a_rejection_needs_a_comment(case, waiting, manager, supervisor):
    with pytest.raises(ValidationError) as refused:
        case.decide(waiting, supervisor, False, "  ")
    assert list(refused.value.message_dict) == ["comment"]
    assert_undecided(case, waiting, manager)


def test_nobody_decides_their_own(case, waiting, manager):
    assert not decisions.may_decide(waiting, manager, case.flow)
    with pytest.raises(PermissionDenied):
        case.decide(waiting, manager, True, "")
    assert_undecided(case, waiting, manager)


def test_another_teams_supervisor_cannot_decide(case, waiting, manager, other_supervisor, teammate):
    for outsider in (other_supervisor, teammate):
        assert not decisions.may_decide(waiting, outsider, case.flow)
        with pytest.raises(PermissionDenied):
            case.decide(waiting, outsider, True, "")
    assert_undecided(case, waiting, manager)


def test_a_decided_row_is_not_decided_again(case, waiting, manager, supervisor, admin_user):
    case.decide(waiting, supervisor, True, "")
    with pytest.raises(ValidationError) as refused:
        case.decide(waiting, admin_user, False, "Too late")
    assert refused.value.messages == [str(case.flow.not_pending)]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (case.flow.approved, supervisor)
    [notification] = told(case, manager)
    assert notification.message == f"Approved by {supervisor}: {case.flow.describe(waiting)}."
