"""Writes to clients and contacts that are more than a form save."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import decisions
from accounts.models import User
from accounts.scoping import deciders, management_users, scope_for
from notifications.services import notify
from sync import services as sync_services

from . import rules
from .models import Client, GradeProposal, OwnerChange, Tier


def assignable_owners(user: User):
    """Managers (and supervisors) this user may give a client to: their own scope's active staff."""
    return scope_for(user).users().filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])


def _check_can_assign(by: User, owner: User) -> None:
    if not assignable_owners(by).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("You cannot assign clients to %(owner)s.") % {"owner": owner})


@transaction.atomic
def create_client(*, by: User, owner: User | None = None, duplicates_confirmed: bool = False, **fields) -> Client:
    """``duplicates_confirmed``: saved although likely duplicates were shown (clients/duplicates.py),
    which the history keeps."""
    owner = owner or by
    _check_can_assign(by, owner)
    client = Client(owner=owner, team_id=owner.team_id, **fields)
    client.full_clean()
    client._change_reason = _("Created, likely duplicates confirmed") if duplicates_confirmed else _("Created")
    client.save()
    OwnerChange.objects.create(client=client, from_owner=None, to_owner=owner, reason=_("Created"), changed_by=by)
    return client


@transaction.atomic
def reassign_owner(*, client: Client, new_owner: User, by: User, reason: str) -> Client:
    """Give a client to another manager; the reason is required and recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"owner_change_reason": _("Give a reason for changing the account manager.")})
    if new_owner.pk == client.owner_id:
        return client
    _check_can_assign(by, new_owner)
    OwnerChange.objects.create(
        client=client, from_owner_id=client.owner_id, to_owner=new_owner, reason=reason, changed_by=by
    )
    # The client and what it takes along leave the old manager's scope: the field app drops them.
    with sync_services.departures_of(client.pk):
        client.owner = new_owner
        client.team_id = new_owner.team_id
        client._change_reason = reason
        client.save()
        hand_over(client=client, to_owner=new_owner)
    return client


def hand_over(*, client: Client, to_owner: User) -> None:
    """Everything a client takes along to its new manager, app by app (SPEC: open work
    follows the client). Called by ``reassign_owner`` and by an import that changes the
    owner, after the change is recorded; what stays behind (done visits, closed complaints,
    a request taken on a visit) is each function's own rule."""
    # Imported here, not at the top: these apps build on clients (their models and services
    # import clients.models), and a client's hand-over is the one place clients calls them.
    from complaints.services import hand_over_complaints
    from interactions.services import hand_over_open_work
    from surveys.services import hand_over_follow_ups
    from visits.services import hand_over_planned_visits

    hand_over_planned_visits(client=client, to_owner=to_owner)
    hand_over_complaints(client=client, to_owner=to_owner)
    hand_over_follow_ups(client=client, to_owner=to_owner)
    hand_over_open_work(client=client, to_owner=to_owner)


@transaction.atomic
def bulk_reassign_owner(*, clients: Iterable[Client], new_owner: User, by: User, reason: str) -> int:
    """Admin action: move many clients at once, each move recorded like a single one."""
    moved = 0
    for client in clients:
        if client.owner_id != new_owner.pk:
            reassign_owner(client=client, new_owner=new_owner, by=by, reason=reason)
            moved += 1
    return moved


def direct_grade_change_reason(*, by: User, changed: Iterable[str], reason: str = "") -> str:
    """The reason recorded for a direct change of a client's grade or category, '' when
    ``changed`` touches none of them. The one check for the web form and the API: an
    account manager is refused (they propose instead), a supervisor or an admin must say why."""
    touched = [name for name in rules.GRADE_FIELDS if name in set(changed)]
    if not touched:
        return ""
    if not rules.may_set_grade_directly(by):
        message = _("Account managers change the tier, type or size by proposing a grade change.")
        raise ValidationError(dict.fromkeys(touched, message))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"grade_change_reason": _("Give a reason for changing the tier, type or size.")})
    return reason


@transaction.atomic
def update_client(
    *,
    client: Client,
    by: User,
    changed: Iterable[str],
    new_owner: User | None = None,
    owner_change_reason: str = "",
    grade_change_reason: str = "",
) -> Client:
    """Save an edited client (already validated by its form or serializer).

    ``changed`` names the fields that really changed. A change of grade or category is
    refused for account managers and needs a reason from others (``direct_grade_change_reason``);
    a new owner goes through reassign_owner (reason required); a frequency set by hand is
    marked manual so that approved plans later know it was overridden.
    """
    changed = set(changed)
    reasons = [direct_grade_change_reason(by=by, changed=changed, reason=grade_change_reason)]
    if "visit_frequency" in changed:
        client.visit_frequency_manual = bool(client.visit_frequency)
        reasons.append(client.visit_frequency_reason)
    if reason := "; ".join(r for r in reasons if r):
        client._change_reason = reason
    client.save()
    if new_owner is not None and new_owner.pk != client.owner_id:
        reassign_owner(client=client, new_owner=new_owner, by=by, reason=owner_change_reason)
    return client


# --- grade change proposals --------------------------------------------------------------


def _notify_deciders(proposal: GradeProposal) -> None:
    supervisor_id = proposal.team.supervisor_id if proposal.team_id else None
    decider_ids = deciders(proposal.proposed_by_id, supervisor_id, management_users() if not supervisor_id else [])
    notify(
        User.objects.filter(pk__in=decider_ids, is_active=True),
        kind="clients.grade_proposal",
        key=str(proposal.pk),
        message=_("%(user)s proposes a grade change for %(client)s.")
        % {"user": proposal.proposed_by, "client": proposal.client.name},
        url=proposal.get_absolute_url(),
    )


@transaction.atomic
def propose_grade(
    *,
    client: Client,
    by: User,
    reason: str,
    proposed_tier: Tier | None = None,
    proposed_client_type: str = "",
    proposed_size: str = "",
) -> GradeProposal:
    """A manager proposes a new tier or category for a client; its supervisor decides.
    A client has at most one open proposal (also a partial unique constraint)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the grade should change.")})
    proposal = GradeProposal(
        client=client,
        proposed_by=by,
        team_id=client.team_id,
        current_tier_id=client.tier_id,
        proposed_tier=proposed_tier,
        current_client_type=client.client_type,
        proposed_client_type=proposed_client_type or "",
        current_size=client.size,
        proposed_size=proposed_size or "",
        reason=reason,
    )
    if not proposal.changes():
        raise ValidationError(_("Propose at least one change: a new tier, type or size."))
    if GradeProposal.objects.select_for_update().filter(client=client, status=GradeProposal.Status.PENDING).exists():
        raise ValidationError(_("This client already has an open grade change proposal."))
    try:
        with transaction.atomic():
            proposal._change_reason = reason
            proposal.save()
    except IntegrityError:  # a concurrent proposal won the race
        raise ValidationError(_("This client already has an open grade change proposal.")) from None
    _notify_deciders(proposal)
    return proposal


GRADE_PROPOSAL_DECISION = decisions.Flow(
    kind="clients.grade_proposal_decided",
    requester="proposed_by",
    team="team",
    pending=GradeProposal.Status.PENDING,
    approved=GradeProposal.Status.APPROVED,
    rejected=GradeProposal.Status.REJECTED,
    describe=lambda proposal: _("grade change for %(client)s") % {"client": proposal.client.name},
    not_pending=gettext_lazy("This proposal was already decided."),
    comment_needed=gettext_lazy("Say why the proposal is rejected."),
    denied=gettext_lazy("Only the team's supervisor or an administrator decides, never the proposer."),
)


def can_decide(user: User, proposal: GradeProposal) -> bool:
    return decisions.may_decide(proposal, user, GRADE_PROPOSAL_DECISION)


@transaction.atomic
def decide_proposal(proposal: GradeProposal, *, by: User, approve: bool, comment: str = "") -> GradeProposal:
    """Approve (the client changes, its history records why) or reject (a comment is
    required). Only the team's supervisor or an admin decides, never the proposer."""
    proposal = decisions.decide(proposal, flow=GRADE_PROPOSAL_DECISION, by=by, approve=approve, comment=comment)
    if approve:
        client = Client.objects.select_for_update().get(pk=proposal.client_id)
        if proposal.proposed_tier_id:
            client.tier_id = proposal.proposed_tier_id
        if proposal.proposed_client_type:
            client.client_type = proposal.proposed_client_type
        if proposal.proposed_size:
            client.size = proposal.proposed_size
        client._change_reason = _("Grade change approved: %(reason)s") % {"reason": proposal.reason}
        client.save()
    return proposal
