"""Reminders: follow-ups falling due, requests past their deadline; the sending sweep."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notifications.jobs import job
from notifications.services import Reminder, notify_many

from . import services
from .models import BulkMessage, Channel, FollowUpTask, Interaction

REPLY_LATE = gettext_noop("%(client)s has waited more than %(hours)s hours for a reply: %(what)s")
VISIT_LATE = gettext_noop("%(client)s needs a visit planned (more than %(hours)s hours passed): %(what)s")


def follow_ups_due(today: date) -> int:
    """Each open follow-up once, on its date (or at the first run after it)."""
    tasks = FollowUpTask.objects.filter(done_at__isnull=True, due_on__lte=today, owner__is_active=True).select_related(
        "owner", "client"
    )
    reminders = []
    for task in tasks:
        with translation.override(task.owner.language):
            message = _("Follow-up due %(date)s for %(client)s: %(what)s") % {
                "date": f"{task.due_on:%Y-%m-%d}",
                "client": task.client.name,
                "what": task.description,
            }
        reminders.append(
            Reminder(task.owner, "interactions.follow_up", str(task.pk), message, task.client.get_absolute_url())
        )
    return notify_many(reminders)


def requests_late(now: datetime) -> int:
    """A request past its reply or visit deadline: its manager and the team's supervisor,
    once per request and deadline."""
    late = services.late_requests(services.open_requests(Interaction.objects.all()), now)
    rows = list(late.select_related("client", "owner", "team__supervisor"))
    reminders = []
    for row in rows:
        kinds = []
        if row.is_request and row.replied_at is None and row.reply_due < now:
            kinds.append(("reply", REPLY_LATE, services.reply_hours()))
        if row.visit_needed and row.visit_planned_at is None and row.visit_due < now:
            kinds.append(("visit", VISIT_LATE, services.visit_hours()))
        people = [u for u in (row.owner, row.team.supervisor if row.team_id else None) if u and u.is_active]
        for which, text, hours in kinds:
            for person in people:
                with translation.override(person.language):
                    message = _(text) % {"client": row.client.name, "hours": hours, "what": row.summary[:80]}
                reminders.append(
                    Reminder(person, f"interactions.{which}_late", str(row.pk), message, services.requests_url("late"))
                )
    return notify_many(reminders)


def send_messages() -> dict:
    counts = {"sent": 0, "failed": 0}
    for pk in BulkMessage.objects.filter(status=BulkMessage.Status.APPROVED, channel=Channel.EMAIL).values_list(
        "pk", flat=True
    ):
        for key, value in services.send_message(pk).items():
            counts[key] += value
    return counts


@job("interactions.follow_ups_due")
def _follow_ups_due(now):
    return {"notified": follow_ups_due(timezone.localdate(now))}


@job("interactions.requests_late")
def _requests_late(now):
    return {"notified": requests_late(now)}


@job("interactions.send_messages")
def _send_messages(now):
    return send_messages()
