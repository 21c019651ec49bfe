"""Rows the early warning rules and the scorecard count, made directly (the services'
checks, such as "not in the future" or "an approved plan first", are tested elsewhere)."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from clients.models import Client
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint, ReturnVisit
from interactions.models import Interaction
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation, Response
from surveys.services import default_template
from visits.models import PlannedVisit, VisitLog
from visits.rules import day_start

_numbers = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware local time on ``day``."""
    return day_start(day) + timedelta(hours=hour, minutes=minute)


def visit_log(client: Client, day: date, *, checked_in_at=None, planned_visit=None, owner=None) -> VisitLog:
    """A logged visit; the client's last visit moves forward as when a manager logs one."""
    if client.last_visited_on is None or client.last_visited_on < day:
        client.last_visited_on = day
        client.save(update_fields=["last_visited_on", "next_visit_due", "updated_at"])
    return VisitLog.objects.create(
        owner=owner or client.owner,
        client=client,
        submission=secrets.token_hex(8),
        date=day,
        method="on_site",
        work_done="visited",
        checked_in_at=checked_in_at,
        planned_visit=planned_visit,
        is_temporary=planned_visit is None,
    )


def planned_visit(client: Client, day: date, *, status="planned", appointment: time | None = None) -> PlannedVisit:
    return PlannedVisit.objects.create(
        owner=client.owner, client=client, date=day, method="on_site", status=status, appointment_time=appointment
    )


def interaction(client: Client, when: datetime, *, direction="in", **fields) -> Interaction:
    return Interaction.objects.create(
        client=client,
        owner=fields.pop("owner", client.owner),
        team=client.team,
        channel="phone",
        direction=direction,
        occurred_at=when,
        summary="called",
        created_by=client.owner,
        **fields,
    )


def complaint(client: Client, received_at: datetime, *, resolved_at=None, resolution_due=None, owner=None) -> Complaint:
    ensure_complaint_defaults()
    return Complaint.objects.create(
        number=f"T{next(_numbers):06d}",
        client=client,
        owner=owner or client.owner,
        team=client.team,
        channel="phone",
        category=Category.objects.first(),
        description="complaint",
        received_at=received_at,
        first_response_due=received_at + timedelta(hours=8),
        resolution_due=resolution_due or received_at + timedelta(hours=72),
        resolved_at=resolved_at,
        state=Complaint.State.RESOLVED if resolved_at else Complaint.State.NEW,
        created_by=client.owner,
    )


def return_visit(complaint: Complaint, due: date, *, done_at=None) -> ReturnVisit:
    return ReturnVisit.objects.create(complaint=complaint, owner=complaint.owner, due_date=due, done_at=done_at)


def response(client: Client, submitted_at: datetime, *, satisfied: int, ratings: int, owner=None) -> Response:
    ensure_default_survey()
    invitation = Invitation.objects.create(
        client=client,
        template=default_template(),
        nonce=secrets.token_hex(16),
        token_hash=secrets.token_hex(32),
        state="answered",
        expires_at=submitted_at + timedelta(days=30),
        answered_at=submitted_at,
    )
    return Response.objects.create(
        invitation=invitation,
        client=client,
        owner=owner or client.owner,
        tier=client.tier,
        submitted_at=submitted_at,
        ratings=ratings,
        satisfied_ratings=satisfied,
        is_low=ratings > 0 and satisfied / ratings < 0.6,
    )


def created_on(client: Client, when: datetime) -> Client:
    Client.objects.filter(pk=client.pk).update(created_at=when)
    client.created_at = when
    return client


def local_today() -> date:
    return timezone.localdate()
