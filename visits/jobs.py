"""Jobs of the work cycle: the morning digest, plans not submitted or waiting for review,
the weekly and monthly summaries due. Each makes a fixed number of queries, whatever the
number of managers, and delivers through ``notify_many`` (once per recipient, kind, key)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import deciders, management_users
from complaints.models import Complaint, ReturnVisit
from complaints.selectors import RUNNING_STATES
from notifications.jobs import job
from notifications.services import Reminder, notify_many
from surveys.models import FollowUp
from workdays.selectors import work_calendar

from . import rules
from .models import MonthlyPlan, MonthResult, PlannedVisit, ServiceStrategy, WeeklySummary


def managers():
    return User.objects.filter(role=User.Role.MANAGER, is_active=True)


def morning_digest(today: date) -> int:
    """Per manager: today's planned visits with their open strategies, return visits and
    survey follow-ups due, complaints due today. Nothing to do, no message."""
    counts: dict[int, Counter] = defaultdict(Counter)
    visits = PlannedVisit.objects.filter(date=today, status=PlannedVisit.Status.PLANNED, owner__is_active=True)
    for owner_id in visits.values_list("owner_id", flat=True):
        counts[owner_id]["visits"] += 1
    strategies = (
        ServiceStrategy.objects.filter(
            month=rules.month_start(today),
            state=ServiceStrategy.State.OPEN,
            client__planned_visits__date=today,
            client__planned_visits__status=PlannedVisit.Status.PLANNED,
        )
        .values("client__owner_id")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in strategies:
        counts[row["client__owner_id"]]["strategies"] += row["n"]
    for row in (
        ReturnVisit.objects.filter(done_at__isnull=True, due_date__lte=today).values("owner_id").annotate(n=Count("pk"))
    ):
        counts[row["owner_id"]]["return_visits"] += row["n"]
    for row in (
        FollowUp.objects.filter(done_at__isnull=True, due_on__lte=today).values("owner_id").annotate(n=Count("pk"))
    ):
        counts[row["owner_id"]]["follow_ups"] += row["n"]
    tomorrow = rules.day_start(today + timedelta(days=1))
    due_today = Complaint.objects.filter(
        Q(state=Complaint.State.NEW, first_response_due__lt=tomorrow)
        | Q(state__in=RUNNING_STATES, resolution_due__lt=tomorrow)
    )
    for row in due_today.values("owner_id").annotate(n=Count("pk")):
        counts[row["owner_id"]]["complaints"] += row["n"]
    users = User.objects.filter(pk__in=[pk for pk, c in counts.items() if c], is_active=True)
    reminders = []
    for user in users:
        c = counts[user.pk]
        with translation.override(user.language):
            message = _(
                "Today: %(visits)s planned visit(s) with %(strategies)s open strategy(ies), %(return_visits)s return "
                "visit(s) and %(follow_ups)s survey follow-up(s) due, %(complaints)s complaint(s) due or late."
            ) % {k: c[k] for k in ("visits", "strategies", "return_visits", "follow_ups", "complaints")}
        reminders.append(Reminder(user, "digest.morning", f"{today:%Y%m%d}", message, reverse("visits:sheet")))
    return notify_many(reminders)


def plan_not_submitted(today: date) -> int:
    """From the configured day of the month on, managers without a submitted or approved
    plan for the month are reminded (once a month)."""
    if today.day < settings.CRM_PLAN_SUBMIT_BY_DAY:
        return 0
    month = rules.month_start(today)
    done = MonthlyPlan.objects.filter(
        month=month, status__in=[MonthlyPlan.Status.SUBMITTED, MonthlyPlan.Status.APPROVED]
    ).values("owner_id")
    reminders = []
    for user in managers().exclude(pk__in=done):
        with translation.override(user.language):
            message = _("Your plan for %(month)s is not submitted yet: it was due on day %(day)s.") % {
                "month": f"{month:%Y-%m}",
                "day": settings.CRM_PLAN_SUBMIT_BY_DAY,
            }
        reminders.append(Reminder(user, "plan.not_submitted", f"{month:%Y%m}", message, reverse("visits:plans")))
    return notify_many(reminders)


def plans_waiting(today: date) -> int:
    """Whoever decides on submitted plans or month results (the team's supervisor, or the
    admins when there is none or it is their own), once a day."""
    waiting = Counter()
    management = None
    for model in (MonthlyPlan, MonthResult):
        rows = model.objects.filter(status=MonthlyPlan.Status.SUBMITTED).values_list("owner_id", "team__supervisor_id")
        for owner_id, supervisor_id in rows:
            if management is None and (not supervisor_id or supervisor_id == owner_id):
                management = management_users()
            for user_id in deciders(owner_id, supervisor_id, management or []):
                waiting[user_id] += 1
    reminders = []
    for user in User.objects.filter(pk__in=list(waiting), is_active=True):
        with translation.override(user.language):
            message = _("%(count)s plan(s) or month result(s) are waiting for your review.") % {
                "count": waiting[user.pk]
            }
        reminders.append(Reminder(user, "plan.waiting", f"{today:%Y%m%d}", message, reverse("visits:plans")))
    return notify_many(reminders)


def weekly_summary_due(today: date) -> int:
    """On the week's last working day (a Friday, unless a holiday or a make-up working day
    moves it: the working-day calendar), managers who have not written the week's summary."""
    monday = today - timedelta(days=today.weekday())
    if today != work_calendar().last_working_day(monday, monday + timedelta(days=6)):
        return 0
    written = WeeklySummary.objects.filter(week_start=monday).values("owner_id")
    reminders = []
    for user in managers().exclude(pk__in=written):
        with translation.override(user.language):
            message = _("The weekly summary for the week of %(date)s is due today.") % {"date": f"{monday:%Y-%m-%d}"}
        reminders.append(
            Reminder(user, "summary.weekly_due", f"{monday:%Y%m%d}", message, reverse("visits:weekly_summary"))
        )
    return notify_many(reminders)


def monthly_summary_due(today: date) -> int:
    """On the month's last working day (the working-day calendar's), managers whose month
    results are not submitted."""
    month = rules.month_start(today)
    if today != work_calendar().last_working_day(month, rules.month_end(month)):
        return 0
    done = MonthResult.objects.filter(
        month=month, status__in=[MonthlyPlan.Status.SUBMITTED, MonthlyPlan.Status.APPROVED]
    ).values("owner_id")
    reminders = []
    for user in managers().exclude(pk__in=done):
        with translation.override(user.language):
            message = _("Today is the last working day: submit your results and summary for %(month)s.") % {
                "month": f"{month:%Y-%m}"
            }
        reminders.append(Reminder(user, "summary.monthly_due", f"{month:%Y%m}", message, reverse("visits:results")))
    return notify_many(reminders)


@job("visits.morning_digest")
def _morning_digest(now):
    return {"notified": morning_digest(timezone.localdate(now))}


@job("visits.plan_reminders")
def _plan_reminders(now):
    today = timezone.localdate(now)
    return {"not_submitted": plan_not_submitted(today), "waiting": plans_waiting(today)}


@job("visits.summaries_due")
def _summaries_due(now):
    today = timezone.localdate(now)
    return {"weekly": weekly_summary_due(today), "monthly": monthly_summary_due(today)}
