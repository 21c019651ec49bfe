"""Reads of complaints, always through the user's scope."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404

from . import sla
from .models import Complaint, ReturnVisit

OPEN_STATES = [Complaint.State.NEW, Complaint.State.ACKNOWLEDGED, Complaint.State.IN_PROGRESS]


def visible_complaints(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user)


def complaint_list(user: User) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related("client", "client__tier", "owner", "category", "category__parent")


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


def breached_q(now) -> Q:
    return Q(state__in=OPEN_STATES) & (
        Q(state=Complaint.State.NEW, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def due_soon_q(now) -> Q:
    later = now + soon()
    return (
        Q(state__in=OPEN_STATES)
        & ~breached_q(now)
        & (Q(state=Complaint.State.NEW, first_response_due__lt=later) | Q(resolution_due__lt=later))
    )


def first_response_breached_q(now) -> Q:
    """Answered late, or not answered and past due."""
    return Q(acknowledged_at__gt=F("first_response_due")) | Q(acknowledged_at__isnull=True, first_response_due__lt=now)


def resolution_breached_q(now) -> Q:
    return Q(resolved_at__gt=F("resolution_due")) | Q(resolved_at__isnull=True, resolution_due__lt=now)


def deadline_status(complaint: Complaint, now=None) -> str:
    """on_time / due_soon / breached for an open complaint ('' once resolved)."""
    now = now or timezone.now()
    if not complaint.is_open:
        return ""
    statuses = [sla.deadline_status(complaint.resolution_due, now, done=False, soon=soon())]
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
