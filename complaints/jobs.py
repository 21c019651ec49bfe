"""Complaint jobs: deadlines coming up, deadlines breached (escalation), unanswered
resolutions, return visits due."""

from django.utils import timezone

from notifications.jobs import job

from . import services


@job("complaints.escalate_breached")
def escalate_breached(now):
    return {"escalated": services.escalate_breached(now)}


@job("complaints.deadlines_soon")
def deadlines_soon(now):
    return {"notified": services.deadlines_soon(now)}


@job("complaints.close_unanswered")
def close_unanswered(now):
    return {"closed": services.close_unanswered(now)}


@job("complaints.return_visits_due")
def return_visits_due(now):
    return {"notified": services.return_visits_due(timezone.localdate(now))}
