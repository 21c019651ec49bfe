"""Month-end results (SPEC "The work cycle", step 7): each manager's results of a month,
submitted to and reviewed by the supervisor of their team, as the monthly plan is."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import decisions
from accounts.models import User
from accounts.scoping import get_scoped_object_or_404

from . import rules
from .models import MonthlyPlan, MonthResult


def results_of(owner: User) -> QuerySet[MonthResult]:
    """A manager's own results, newest month first."""
    return MonthResult.objects.filter(owner=owner).order_by("-month")


def get_result(user: User, pk: int) -> MonthResult:
    """One month's results the user may see (the manager's, their team's supervisor's, an
    admin's): 404 otherwise. Results go with the team they were submitted in."""
    return get_scoped_object_or_404(user, MonthResult.objects.select_related("owner__team", "team"), pk=pk)


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
