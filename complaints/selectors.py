"""Reads of complaints, always through the user's scope."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404

from . import sla
from .models import Complaint, ReturnVisit

# Open: not resolved yet. The deadlines' clocks run in all of them but "waiting on client"
# (paused: neither due soon nor breached, and never escalated by the job).
RUNNING_STATES = [Complaint.State.NEW, Complaint.State.ACKNOWLEDGED, Complaint.State.IN_PROGRESS]
OPEN_STATES = [*RUNNING_STATES, Complaint.State.WAITING]


def visible_complaints(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user)


def complaint_list(user: User) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related("client", "client__tier", "owner", "category", "category__parent")


NUMBER_PREFIX = "TS-"  # services._next_number: TS-<year>-<six digits>
_YEAR_AND_SEQUENCE = re.compile(r"(?:TS-?)?(\d{4})-(\d{1,6})")
_SEQUENCE = re.compile(r"\d{1,6}")


def complaint_numbers(text: str, *, years: int = 3) -> list[str]:
    """The whole complaint numbers a search text may mean: ``TS-2026-000123`` as typed, or
    written short (``2026-123``, or ``123`` for this year's and the two before). Whole numbers
    are looked up in the unique index on ``number``; nothing scans the complaints."""
    text = "".join(text.upper().split())
    numbers = [text] if text.startswith(NUMBER_PREFIX) else []
    if match := _YEAR_AND_SEQUENCE.fullmatch(text):
        numbers.append(f"{NUMBER_PREFIX}{match[1]}-{int(match[2]):06d}")
    elif _SEQUENCE.fullmatch(text):
        this_year = timezone.localdate().year
        numbers += [f"{NUMBER_PREFIX}{year}-{int(text):06d}" for year in range(this_year, this_year - years, -1)]
    return numbers


def search_by_number(queryset: QuerySet[Complaint], text: str) -> QuerySet[Complaint]:
    """Complaints whose number is the text (whole or written short, ``complaint_numbers``) or
    starts with it when it is typed with its prefix (``TS-2026-0001``: the number's
    ``varchar_pattern_ops`` index, which Django makes for a unique field on PostgreSQL)."""
    numbers = complaint_numbers(text)
    if not numbers:
        return queryset.none()
    typed = "".join(text.upper().split())
    match = Q(number__in=numbers)
    if typed.startswith(NUMBER_PREFIX):
        match |= Q(number__startswith=typed)
    return queryset.filter(match)


def get_complaint(user: User, pk: int) -> Complaint:
    queryset = Complaint.objects.select_related(
        "client",
        "client__tier",
        "client__group__tier",
        "owner",
        "team__supervisor",
        "category__parent",
        "contact",
        "contact__vip_card",
        "created_by",
    )
    return get_scoped_object_or_404(user, queryset, pk=pk)


def soon() -> timedelta:
    return timedelta(hours=settings.CRM_DEADLINE_SOON_HOURS)


def _past_q(now) -> Q:
    """Deadlines of a running complaint that are before ``now``."""
    return (
        Q(state=Complaint.State.NEW, first_response_due__lt=now)
        | Q(resolution_due__lt=now)
        | Q(on_site_due__lt=now, on_site_at__isnull=True)
    )


def breached_q(now) -> Q:
    return Q(state__in=RUNNING_STATES) & _past_q(now)


def due_soon_q(now) -> Q:
    return Q(state__in=RUNNING_STATES) & ~breached_q(now) & _past_q(now + soon())


def _missed_q(met: str, due: str, now) -> Q:
    """Met after the deadline, or not met and past it; a complaint waiting on the client
    is judged at the moment its clock stopped."""
    not_met = Q(**{f"{met}__isnull": True})
    return Q(**{f"{met}__gt": F(due)}) | (
        not_met & (Q(paused_at__isnull=True, **{f"{due}__lt": now}) | Q(**{f"{due}__lt": F("paused_at")}))
    )


def first_response_breached_q(now) -> Q:
    """Answered late, or not answered and past due."""
    return _missed_q("acknowledged_at", "first_response_due", now)


def resolution_breached_q(now) -> Q:
    return _missed_q("resolved_at", "resolution_due", now)


def on_site_breached_q(now) -> Q:
    """Someone came late, or nobody came and the deadline has passed."""
    return Q(on_site_due__isnull=False) & _missed_q("on_site_at", "on_site_due", now)


def deadline_status(complaint: Complaint, now=None) -> str:
    """on_time / due_soon / breached for an open complaint, paused while it waits on the
    client ('' once resolved)."""
    now = now or timezone.now()
    if not complaint.is_open:
        return ""
    if complaint.is_paused:
        return "paused"
    statuses = [
        sla.deadline_status(complaint.resolution_due, now, done=False, soon=soon()),
        sla.deadline_status(complaint.on_site_due, now, done=complaint.on_site_at is not None, soon=soon()),
    ]
    if complaint.state == Complaint.State.NEW:
        statuses.append(sla.deadline_status(complaint.first_response_due, now, done=False, soon=soon()))
    for status in ("breached", "due_soon"):
        if status in statuses:
            return status
    return "on_time"


def open_complaints_by_client(client_ids) -> dict[int, list[Complaint]]:
    by_client: dict[int, list[Complaint]] = {}
    for complaint in Complaint.objects.filter(client__in=client_ids, state__in=OPEN_STATES).order_by("received_at"):
        by_client.setdefault(complaint.client_id, []).append(complaint)
    return by_client


def return_visits_for(user: User) -> QuerySet[ReturnVisit]:
    return (
        ReturnVisit.objects.of_manager(user)
        .filter(done_at__isnull=True)
        .select_related("complaint", "complaint__client")
        .order_by("due_date", "pk")
    )
