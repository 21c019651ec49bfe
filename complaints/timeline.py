"""Complaints on the client file: every step of every complaint of the client."""

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, register

from .models import ComplaintEvent


@register
def complaint_events(client: Client, limit: int) -> list[TimelineEntry]:
    events = (
        ComplaintEvent.objects.filter(complaint__client=client)
        .select_related("complaint", "by")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            when=event.at,
            kind="complaint",
            title=_("Complaint %(number)s: %(what)s")
            % {"number": event.complaint.number, "what": event.get_kind_display()},
            user=event.by,
            detail=event.note[:300],
            url=event.complaint.get_absolute_url(),
        )
        for event in events
    ]
