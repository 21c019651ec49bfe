"""Calls, messages, letters, e-mails and office visits on the client file."""

from datetime import datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import DeferredEntry, TimelineEntry, earlier, register

from .models import FollowUpTask, Interaction

_SHOWN = (
    "occurred_at", "channel", "direction", "contact", "contact__name", "bulk_message", "summary", "promise",
    "follow_up_on", "is_request", "replied_at", "reply_due", "created_by", "created_by__username",
    "created_by__first_name", "created_by__last_name",
)  # fmt: skip


@register
def interactions(client: Client, limit: int, before: datetime | None) -> list[DeferredEntry]:
    rows = (
        Interaction.objects.filter(earlier("occurred_at", before), client=client)
        .select_related("contact", "created_by")
        # Only what an entry shows: most rows read are older than the ones shown.
        .only(*_SHOWN)
        .order_by("-occurred_at", "-pk")[:limit]
    )
    # The labels once, not per row (``get_FOO_display`` rebuilds the choices on each call).
    labels = (dict(Interaction._meta.get_field("channel").flatchoices),
              dict(Interaction._meta.get_field("direction").flatchoices))  # fmt: skip
    return [DeferredEntry(row.occurred_at, "interaction", partial(_interaction, row, *labels)) for row in rows]


def _interaction(row: Interaction, channels: dict, directions: dict) -> TimelineEntry:
    title = f"{channels.get(row.channel, row.channel)} · {directions.get(row.direction, row.direction)}"
    if row.contact_id:
        title += " · " + row.contact.name
    if row.bulk_message_id:
        title += " · " + _("message to many clients")
    detail = row.summary[:500]
    if row.promise:
        detail += "\n" + _("Promised: %(what)s") % {"what": row.promise}
        if row.follow_up_on:
            detail += f" ({row.follow_up_on:%Y-%m-%d})"
    if row.is_request:
        detail += "\n" + (
            _("Answered %(when)s") % {"when": f"{timezone.localtime(row.replied_at):%Y-%m-%d %H:%M}"}
            if row.replied_at
            else _("Reply due %(when)s") % {"when": f"{timezone.localtime(row.reply_due):%Y-%m-%d %H:%M}"}
        )
    return TimelineEntry(
        when=row.occurred_at,
        kind="interaction",
        title=title,
        user=row.created_by,
        detail=detail,
        url=f"#interaction-{row.pk}",
    )


@register
def follow_ups_done(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    tasks = (
        FollowUpTask.objects.filter(earlier("done_at", before), client=client, done_at__isnull=False)
        .select_related("owner")
        .order_by("-done_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            when=task.done_at,
            kind="follow_up",
            title=_("Follow-up done: %(what)s") % {"what": task.description},
            user=task.owner,
            detail=task.done_note,
        )
        for task in tasks
    ]
