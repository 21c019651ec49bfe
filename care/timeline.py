"""The client file shows the gifts given, the gifts declined and the invitations to events."""

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, register

from .models import DeclinedGift, EventInvitation, Gift


@register
def gifts(client: Client, limit: int) -> list[TimelineEntry]:
    rows = Gift.objects.filter(client=client).select_related("contact", "given_by", "approved_by")[:limit]
    entries = []
    for gift in rows:
        detail = f"{gift.get_occasion_display()} · {gift.value} · {gift.get_status_display()}"
        if gift.contact_id:
            detail = f"{gift.contact.name} · {detail}"
        if gift.approved_by_id:
            detail += " · " + _("decided by %(name)s") % {"name": gift.approved_by}
        entries.append(
            TimelineEntry(
                when=gift.created_at,
                kind="care",
                title=_("Gift: %(item)s") % {"item": gift.item},
                user=gift.given_by,
                detail=detail,
            )
        )
    return entries


@register
def declined_gifts(client: Client, limit: int) -> list[TimelineEntry]:
    rows = DeclinedGift.objects.filter(client=client).select_related("recorded_by")[:limit]
    return [
        TimelineEntry(
            when=row.created_at,
            kind="care",
            title=_("Gift from the client declined"),
            user=row.recorded_by,
            detail=f"{row.offered_on:%Y-%m-%d} · {row.description}",
        )
        for row in rows
    ]


@register
def event_invitations(client: Client, limit: int) -> list[TimelineEntry]:
    rows = EventInvitation.objects.filter(client=client).select_related("contact", "owner")[:limit]
    entries = []
    for row in rows:
        parts = [f"{row.event_date:%Y-%m-%d}", row.get_rsvp_display()]
        if row.contact_id:
            parts.insert(0, row.contact.name)
        if row.attended is not None:
            parts.append(_("attended") if row.attended else _("did not attend"))
        entries.append(
            TimelineEntry(
                when=row.created_at,
                kind="care",
                title=_("Invited to %(event)s") % {"event": row.event_name},
                user=row.owner,
                detail=" · ".join(parts),
            )
        )
    return entries
