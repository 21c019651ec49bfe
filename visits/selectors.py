"""Reads of plans and visits, always through the user's scope."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404, scope_for

from . import rules
from .models import MonthlyPlan, PlannedVisit

# Dates outside these years are typing errors, and would overflow month arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_month(text: str | None, default: date) -> date:
    try:
        month = datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return rules.month_start(default)
    return month if MIN_YEAR <= month.year <= MAX_YEAR else rules.month_start(default)


def parse_day(text: str | None, default: date) -> date:
    try:
        day = datetime.strptime(text or "", "%Y-%m-%d").date()
    except ValueError:
        return default
    return day if MIN_YEAR <= day.year <= MAX_YEAR else default


def visible_plans(user: User) -> QuerySet[MonthlyPlan]:
    return MonthlyPlan.objects.visible_to(user).select_related("owner", "team", "decided_by")


def get_plan(user: User, pk: int) -> MonthlyPlan:
    return get_scoped_object_or_404(user, MonthlyPlan.objects.select_related("owner", "team"), pk=pk)


def awaiting_decision(user: User, queryset: QuerySet) -> QuerySet:
    """Submitted plans or month results waiting for this user (see ``is_approver``):
    a supervisor's teams, or all for an admin."""
    submitted = queryset.filter(status=MonthlyPlan.Status.SUBMITTED).select_related("owner", "team")
    if user.is_crm_admin:
        return submitted.exclude(owner=user).order_by("submitted_at")
    if user.is_supervisor:
        return submitted.filter(team__supervisor=user).exclude(owner=user).order_by("submitted_at")
    return submitted.none()


def approval_queue(user: User) -> QuerySet[MonthlyPlan]:
    return awaiting_decision(user, MonthlyPlan.objects.all())


def owner_in_scope(user: User, owner_id: str | None) -> User:
    """The manager whose work a page shows: oneself, or someone in the user's scope (?owner=)."""
    if not owner_id or str(owner_id) == str(user.pk):
        return user
    if not str(owner_id).isdecimal():
        raise Http404
    return get_object_or_404(scope_for(user).users(), pk=owner_id)


def visits_between(user: User, owner: User, start: date, end: date) -> QuerySet[PlannedVisit]:
    visits = (
        PlannedVisit.objects.of_manager(owner)
        .filter(date__range=(start, end))
        .select_related("client")
        .only(
            "pk",
            "date",
            "method",
            "status",
            "source",
            "purpose",
            "appointment_time",
            "owner_id",
            "client__id",
            "client__name",
        )
    )
    return visits.visible_to(user).order_by("date", "client__name")
