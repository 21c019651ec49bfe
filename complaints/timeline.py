"""Complaints on the client file: every step of every complaint of the client."""

from datetime import datetime
from functools import partial

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import DeferredEntry, TimelineEntry, earlier, register, url_maker

from .models import ComplaintEvent


@register
def complaint_events(client: Client, limit: int, before: datetime | None) -> list[DeferredEntry]:
    events = (
        ComplaintEvent.objects.filter(earlier("at", before), complaint__client=client)
        .select_related("complaint", "by")
        .order_by("-at", "-pk")[:limit]
    )
    kinds = dict(ComplaintEvent._meta.get_field("kind").flatchoices)
    complaint_url = url_maker("complaints:detail")
    return [DeferredEntry(event.at, "complaint", partial(_event, event, kinds, complaint_url)) for event in events]


def _event(event: ComplaintEvent, kinds: dict, complaint_url) -> TimelineEntry:
    return TimelineEntry(
        when=event.at,
        kind="complaint",
        title=_("Complaint %(number)s: %(what)s")
        % {"number": event.complaint.number, "what": kinds.get(event.kind, event.kind)},
        user=event.by,
        detail=event.note[:300],
        url=complaint_url(event.complaint_id),
    )
