"""Marking a client as tending to leave by hand, and clearing that mark."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from clients.models import Client

from .models import MANUAL, ClientWarning


@transaction.atomic
def mark_tending_to_leave(client: Client, *, by: User, reason: str) -> ClientWarning:
    """Flag the client for retention work (its retention visit falls due as for a rule's
    flag); a client already marked keeps its first date, with the new reason."""
    now = timezone.now()
    warning, created = ClientWarning.objects.select_for_update().get_or_create(
        client=client,
        rule=MANUAL,
        defaults={"params": {"by": str(by), "reason": reason}, "first_flagged_at": now, "last_seen_at": now},
    )
    if not created:
        if not warning.active:
            warning.first_flagged_at, warning.cleared_at = now, None
        warning.active, warning.params, warning.last_seen_at = True, {"by": str(by), "reason": reason}, now
        warning.save()
    return warning


@transaction.atomic
def clear_mark(client: Client, *, by: User) -> int:
    return ClientWarning.objects.filter(client=client, rule=MANUAL, active=True).update(
        active=False, cleared_at=timezone.now()
    )
