"""Every write of spot checks and visit-log reviews: the web pages call these, and so
would an API or a script. Who may do what is decided here, not in the views."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.scoping import is_approver
from clients.models import Client
from notifications.services import Reminder, notify_many
from visits import rules as visit_rules
from visits.models import VisitLog

from . import rules
from .models import InspectionItem, SpotCheck, SpotCheckItem, VisitLogReview

NOT_THE_CHECKER = gettext_lazy(
    "Only the supervisor of the manager's team or an administrator records a spot check, never the manager."
)
ONLY_THE_MANAGER = gettext_lazy("Only the account manager checked acknowledges a spot check, with their own login.")
NOT_THE_REVIEWER = gettext_lazy("Only the supervisor of the manager's team or an administrator reviews the visit logs.")


def may_check(user: User, client: Client) -> bool:
    """Whether ``user`` may record a spot check of ``client``'s manager: the supervisor of
    that manager's team or an admin, never the manager themselves (``is_approver``, the
    rule of every review). The client must be in the user's scope too: the view asks
    ``Client.objects.visible_to`` first."""
    owner = client.owner
    if owner is None:
        return False
    return is_approver(user, owner_id=owner.pk, team=owner.team)


def may_review(user: User, manager: User) -> bool:
    return manager.is_manager and is_approver(user, owner_id=manager.pk, team=manager.team)


@transaction.atomic
def record_spot_check(
    *,
    client: Client,
    by: User,
    kind: str,
    day: date,
    results: dict[int, tuple[bool, str]],
    score: int | None = None,
    remarks: str = "",
) -> SpotCheck:
    """Record a spot check of ``client``'s manager by ``by``; the manager is told in their
    inbox. ``results`` maps each active inspection item's id to (meets the standard,
    note); an item left out counts as not met. Without a score, the sheet's share of
    items met is the score (``rules.checklist_score``)."""
    if not may_check(by, client):
        raise PermissionDenied(NOT_THE_CHECKER)
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"date": _("A spot check cannot be dated in the future.")})
    items = list(InspectionItem.objects.filter(is_active=True))
    if score is None:
        score = rules.checklist_score(sum(1 for item in items if results.get(item.pk, (False, ""))[0]), len(items))
        if score is None:
            raise ValidationError({"score": _("Give a score: there is no inspection item to score the sheet by.")})
    if not 0 <= score <= rules.MAX_SCORE:
        raise ValidationError({"score": _("The score is between 0 and 100.")})
    manager = client.owner
    check = SpotCheck.objects.create(
        kind=kind,
        date=day,
        client=client,
        manager=manager,
        team=manager.team,
        checked_by=by,
        score=score,
        remarks=(remarks or "").strip(),
    )
    # With their history rows (a plain bulk_create would leave the audit history without them).
    bulk_create_with_history(
        [
            SpotCheckItem(
                spot_check=check,
                item=item,
                passed=bool(results.get(item.pk, (False, ""))[0]),
                note=(results.get(item.pk, (False, ""))[1] or "").strip()[:300],
            )
            for item in items
        ],
        SpotCheckItem,
        default_user=by,
    )
    with translation.override(manager.language):
        message = _("%(kind)s at %(client)s on %(date)s by %(checker)s, score %(score)s: please acknowledge it.") % {
            "kind": check.get_kind_display(),
            "client": client.name,
            "date": f"{day:%Y-%m-%d}",
            "checker": by,
            "score": score,
        }
    notify_many([Reminder(manager, "inspections.spot_check", str(check.pk), message, check.get_absolute_url())])
    return check


@transaction.atomic
def acknowledge(check: SpotCheck, *, by: User, comment: str = "") -> SpotCheck:
    """The manager signs the sheet with their login: who and when, and an optional
    comment. The supervisor's content is never changed here; it is signed once."""
    locked = SpotCheck.objects.select_for_update().select_related("checked_by").get(pk=check.pk)
    if by.pk != locked.manager_id:
        raise PermissionDenied(ONLY_THE_MANAGER)
    if locked.is_acknowledged:
        raise ValidationError(_("This spot check was already acknowledged."))
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.acknowledgement_comment = (comment or "").strip()
    locked._history_user = by
    locked._change_reason = _("Acknowledged by the account manager")
    locked.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_comment"])
    check.acknowledged_by, check.acknowledged_at = locked.acknowledged_by, locked.acknowledged_at
    check.acknowledgement_comment = locked.acknowledgement_comment
    checker = locked.checked_by
    with translation.override(checker.language):
        message = _("%(manager)s acknowledged your spot check of %(date)s.") % {
            "manager": by,
            "date": f"{locked.date:%Y-%m-%d}",
        }
    notify_many([Reminder(checker, "inspections.spot_check_acknowledged", str(locked.pk), message,
                          locked.get_absolute_url())])  # fmt: skip
    return locked


def logs_of_month(manager_id: int, month: date):
    """The visit logs a month's review covers: the manager's own logs dated in the month."""
    return VisitLog.objects.filter(
        owner_id=manager_id, date__range=(visit_rules.month_start(month), visit_rules.month_end(month))
    )


@transaction.atomic
def review_visit_logs(*, manager: User, month: date, by: User, comment: str) -> VisitLogReview:
    """Mark a manager's visit logs of a month as reviewed, with a comment; a second review
    of the same month replaces the comment (the history keeps the first). The manager is
    told in their inbox."""
    if not may_review(by, manager):
        raise PermissionDenied(NOT_THE_REVIEWER)
    month = visit_rules.month_start(month)
    if month > visit_rules.month_start(timezone.localdate()):
        raise ValidationError({"comment": _("A month that has not started cannot be reviewed.")})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write what you found in the visit logs.")})
    now = timezone.now()
    review, _created = VisitLogReview.objects.select_for_update().update_or_create(
        manager=manager,
        month=month,
        defaults={
            "team": manager.team,
            "reviewed_by": by,
            "reviewed_at": now,
            "comment": comment,
            "logs_reviewed": logs_of_month(manager.pk, month).count(),
        },
    )
    with translation.override(manager.language):
        message = _("%(reviewer)s reviewed your visit logs of %(month)s: “%(comment)s”") % {
            "reviewer": by,
            "month": f"{month:%Y-%m}",
            "comment": comment[:150],
        }
    key = f"{review.pk}:{now:%Y%m%d%H%M%S%f}"
    notify_many([Reminder(manager, "inspections.logs_reviewed", key, message, review.get_absolute_url())])
    return review
