"""One way to decide on submitted work: monthly plans, month results, gifts, grade
proposals and messages to many clients.

Every flow follows the same rules (STYLE "Flows that look alike"): the row is locked,
only the supervisor of the team it was submitted in or an admin decides and never the
person who asked (``scoping.is_approver``), it must still be waiting, a rejection needs a
comment, the same three fields say who decided, when and why (``Decided``), the history
records the decision with its comment, and the person who asked is told in their
inbox, in their own language. What differs between flows is only names: a ``Flow``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.services import Reminder, notify_many

from .models import Team, User
from .scoping import is_approver


class Decided(models.Model):
    """Who decided on a submitted row, when, and what they said (the same names in every
    flow). Empty while it waits; ``decided_by`` also stays empty on a row that needed no
    decision (a gift below the approval threshold)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decision_comment = models.TextField(gettext_lazy("comment"), blank=True)

    class Meta:
        abstract = True


DECISION_FIELDS = ("status", "decided_by", "decided_at", "decision_comment")
DEFAULT_DENIED = gettext_lazy(
    "Only the supervisor of the team or an administrator decides, never the person who asked."
)


@dataclass(frozen=True)
class Flow:
    """The names of one approval flow; the rules are ``decide``'s.

    ``requester``: the foreign key to the person who asked (told of the decision, never
    their own decider); ``team``: the attribute path to the team whose supervisor decides;
    ``pending`` / ``approved`` / ``rejected``: the statuses; ``kind``: the notification kind;
    ``describe``: what was decided, in the active language, for the notification.
    """

    kind: str
    requester: str
    team: str
    pending: str
    approved: str
    rejected: str
    describe: Callable[[models.Model], str]
    not_pending: str
    comment_needed: str
    denied: str = DEFAULT_DENIED

    def requester_id(self, row: models.Model) -> int:
        return getattr(row, f"{self.requester}_id")

    def team_of(self, row: models.Model) -> Team | None:
        return operator.attrgetter(self.team)(row)

    @property
    def related(self) -> list[str]:
        """What ``decide`` reads besides the row: the requester (told) and the team."""
        return [self.requester, self.team.replace(".", "__")]


def may_decide(row: models.Model, user: User, flow: Flow) -> bool:
    """Whether ``user`` may decide on ``row`` now (to show the buttons)."""
    return row.status == flow.pending and is_approver(user, owner_id=flow.requester_id(row), team=flow.team_of(row))


def decide(row: models.Model, *, flow: Flow, by: User, approve: bool, comment: str = "") -> models.Model:
    """Approve or reject ``row`` by ``by``; returns the decided row (locked, fresh from the
    database) and updates ``row`` itself to match. Raises ``PermissionDenied`` for anyone
    but the team's supervisor or an admin, and ``ValidationError`` if the row was already
    decided or a rejection comes without a comment.

    Runs inside the flow's service, which is ``@transaction.atomic`` and does what an
    approval brings in the same transaction (the lock holds until it commits)."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("decide() runs inside the flow's @transaction.atomic service.")
    locked = type(row)._base_manager.select_for_update(of=("self",)).select_related(*flow.related).get(pk=row.pk)
    if not is_approver(by, owner_id=flow.requester_id(locked), team=flow.team_of(locked)):
        raise PermissionDenied(flow.denied)
    if locked.status != flow.pending:
        raise ValidationError(flow.not_pending)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": flow.comment_needed})
    locked.status = flow.approved if approve else flow.rejected
    locked.decided_by, locked.decided_at, locked.decision_comment = by, timezone.now(), comment
    # The history row says who decided and why, whether the decision came from a page,
    # the API or a script (the request's user is not always there).
    locked._history_user = by
    locked._change_reason = comment or locked.get_status_display()
    locked.save(update_fields=DECISION_FIELDS)
    for name in DECISION_FIELDS:
        setattr(row, name, getattr(locked, name))
    tell_requester(locked, flow=flow)
    return locked


def tell_requester(row: models.Model, *, flow: Flow) -> int:
    """The notification of a decision to the person who asked, in their language. Each
    decision is its own notification (a plan returned, resubmitted and approved is told
    twice); delivering the same one again adds nothing."""
    requester = getattr(row, flow.requester)
    if requester is None:
        return 0
    with translation.override(requester.language):
        values = {"outcome": row.get_status_display(), "decider": row.decided_by, "what": flow.describe(row)}
        if row.decision_comment:
            message = _("%(outcome)s by %(decider)s: %(what)s. “%(comment)s”") % {
                **values,
                "comment": row.decision_comment,
            }
        else:
            message = _("%(outcome)s by %(decider)s: %(what)s.") % values
    key = f"{row.pk}:{row.decided_at:%Y%m%d%H%M%S%f}"
    return notify_many([Reminder(requester, flow.kind, key, message, row.get_absolute_url())])
