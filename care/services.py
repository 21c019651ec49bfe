"""Client care writes: gifts (with approval above a configurable value), declined gifts,
event invitations and their answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import decisions
from accounts.models import User
from clients.models import Client, Contact

from . import rules
from .models import DeclinedGift, EventInvitation, Gift


def _check_owner(client: Client, contact: Contact | None, by: User) -> None:
    """Only the client's own manager records care for it, and only for its own people."""
    if client.owner_id != by.pk:
        raise PermissionDenied
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": _("This person does not belong to the client.")})


@transaction.atomic
def record_gift(
    *,
    client: Client,
    by: User,
    occasion: str,
    item: str,
    value: Decimal,
    given_on: date,
    contact: Contact | None = None,
) -> Gift:
    """A gift at or below ``CRM_GIFT_APPROVAL_ABOVE`` is approved as it is recorded; a
    dearer one waits for the team's supervisor (or an admin)."""
    _check_owner(client, contact, by)
    if value < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    needs_approval = rules.gift_needs_approval(value, settings.CRM_GIFT_APPROVAL_ABOVE)
    return Gift.objects.create(
        client=client,
        contact=contact,
        occasion=occasion,
        item=item,
        value=value,
        given_on=given_on,
        given_by=by,
        status=Gift.Status.PENDING if needs_approval else Gift.Status.APPROVED,
        decided_at=None if needs_approval else timezone.now(),
    )


# The client's team now decides (a gift has no team of its own).
GIFT_DECISION = decisions.Flow(
    kind="care.gift_decided",
    requester="given_by",
    team="client.team",
    pending=Gift.Status.PENDING,
    approved=Gift.Status.APPROVED,
    rejected=Gift.Status.REJECTED,
    describe=lambda gift: _("gift “%(item)s” for %(client)s") % {"item": gift.item, "client": gift.client.name},
    not_pending=gettext_lazy("This gift has already been decided."),
    comment_needed=gettext_lazy("Say why the gift is rejected."),
)


def may_decide(gift: Gift, user: User) -> bool:
    return decisions.may_decide(gift, user, GIFT_DECISION)


@transaction.atomic
def decide_gift(gift: Gift, *, by: User, approve: bool, comment: str = "") -> Gift:
    return decisions.decide(gift, flow=GIFT_DECISION, by=by, approve=approve, comment=comment)


def record_declined_gift(*, client: Client, by: User, offered_on: date, description: str) -> DeclinedGift:
    _check_owner(client, None, by)
    return DeclinedGift.objects.create(client=client, offered_on=offered_on, description=description, recorded_by=by)


def invite_to_event(
    *, client: Client, by: User, event_name: str, event_date: date, sent_on: date, contact: Contact | None = None
) -> EventInvitation:
    """Record an invitation; a late one (less than a week ahead) is recorded too, and flagged."""
    _check_owner(client, contact, by)
    if sent_on > event_date:
        raise ValidationError({"sent_on": _("The invitation cannot be sent after the event.")})
    return EventInvitation.objects.create(
        client=client, contact=contact, event_name=event_name, event_date=event_date, sent_on=sent_on, owner=by
    )


def may_update_invitation(invitation: EventInvitation, user: User) -> bool:
    return user.is_crm_admin or user.pk in (invitation.owner_id, invitation.client.owner_id)


def update_invitation(
    invitation: EventInvitation, *, by: User, rsvp: str, attended: bool | None, today: date | None = None
) -> EventInvitation:
    """The answer, and after the event whether the person came."""
    if not may_update_invitation(invitation, by):
        raise PermissionDenied
    if attended is not None and invitation.event_date > (today or timezone.localdate()):
        raise ValidationError({"attended": _("Attendance is confirmed on or after the day of the event.")})
    invitation.rsvp = rsvp
    invitation.attended = attended
    invitation.save(update_fields=["rsvp", "attended"])
    return invitation
