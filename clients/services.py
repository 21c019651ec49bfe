"""Writes to clients and contacts that are more than a form save."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import scope_for

from .models import Client, OwnerChange


def assignable_owners(user: User):
    """Managers (and supervisors) this user may give a client to: their own scope's active staff."""
    return scope_for(user).users().filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])


def _check_can_assign(by: User, owner: User) -> None:
    if not assignable_owners(by).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("You cannot assign clients to %(owner)s.") % {"owner": owner})


@transaction.atomic
def create_client(*, by: User, owner: User | None = None, **fields) -> Client:
    owner = owner or by
    _check_can_assign(by, owner)
    client = Client(owner=owner, team_id=owner.team_id, **fields)
    client.full_clean()
    client._change_reason = _("Created")
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
    client.owner = new_owner
    client.team_id = new_owner.team_id
    client._change_reason = reason
    client.save()
    return client


@transaction.atomic
def bulk_reassign_owner(*, clients: Iterable[Client], new_owner: User, by: User, reason: str) -> int:
    """Admin action: move many clients at once, each move recorded like a single one."""
    moved = 0
    for client in clients:
        if client.owner_id != new_owner.pk:
            reassign_owner(client=client, new_owner=new_owner, by=by, reason=reason)
            moved += 1
    return moved


@transaction.atomic
def update_client(
    *, client: Client, by: User, changed: Iterable[str], new_owner: User | None = None, owner_change_reason: str = ""
) -> Client:
    """Save an edited client (already validated by its form).

    A new owner goes through reassign_owner (reason required); a frequency set by
    hand is marked manual so that approved plans later know it was overridden.
    """
    if "visit_frequency" in set(changed):
        client.visit_frequency_manual = bool(client.visit_frequency)
        client._change_reason = client.visit_frequency_reason
    client.save()
    if new_owner is not None and new_owner.pk != client.owner_id:
        reassign_owner(client=client, new_owner=new_owner, by=by, reason=owner_change_reason)
    return client
