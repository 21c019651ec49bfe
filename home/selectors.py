"""Reads of the start pages: each role's counters and lists, in the user's scope.

The counters of a page are counted in one query (``count_each``): the start page is the
most visited page. A manager's own work is read through the models' querysets
(``of_manager``): the complaints they handle, the return visits given to them, their plan.
"""

from __future__ import annotations

from datetime import date

from accounts.models import Team, User
from accounts.scoping import Scope
from care.selectors import upcoming_occasions
from clients.selectors import visible_clients
from complaints.models import Complaint, ReturnVisit
from complaints.selectors import OPEN_STATES
from crm.i18n import localized
from crm.queries import count_each
from interactions import selectors as interactions
from performance.selectors import flagged_clients, latest_warnings, retention_due, waiting_for_retention
from visits import rules as visit_rules
from visits.models import MonthlyPlan, PlannedVisit
from visits.selectors import approval_queue
from workdays.selectors import next_working_day


def admin_start(user: User, *, scope: Scope) -> dict:
    return {
        "teams": scope.teams().select_related("supervisor").order_by("name"),
        "user_count": scope.users().filter(is_active=True).count(),
    }


def supervisor_start(user: User, *, scope: Scope) -> dict:
    context = {
        "teams": scope.teams().select_related("supervisor").order_by("name"),
        "members": scope.users()
        .filter(is_active=True)
        .exclude(pk=user.pk)
        .order_by(localized("team__name"), "username"),
    }
    requests = interactions.request_querysets(user, scope=scope)
    context |= count_each(
        waiting_plans=approval_queue(user),
        requests_waiting=requests["waiting"],
        requests_late=requests["late"],
        at_risk_count=flagged_clients(user, scope=scope),
        messages_to_decide=interactions.messages_to_decide(user),
    )
    context["at_risk"] = latest_warnings(user, scope=scope) if context["at_risk_count"] else []
    return context


def manager_start(user: User, *, scope: Scope, today: date) -> dict:
    requests = interactions.request_querysets(user, scope=scope)
    context = count_each(
        overdue_clients=visible_clients(user).filter(next_visit_due__lt=today),
        open_complaints=Complaint.objects.of_manager(user).filter(state__in=OPEN_STATES),
        return_visits_due=ReturnVisit.objects.of_manager(user).filter(done_at__isnull=True),
        requests_waiting=requests["waiting"],
        requests_late=requests["late"],
        at_risk_count=flagged_clients(user, scope=scope),
        retention_overdue_count=waiting_for_retention(user, scope=scope, today=today, overdue_only=True),
    )
    team = Team.objects.select_related("supervisor").filter(pk=user.team_id).first()
    month = visit_rules.month_start(today)
    context |= {
        "team": team,
        "supervisor": team.supervisor if team else None,
        "month_plan": MonthlyPlan.objects.of_manager(user).filter(month=month).first(),
        **days_visits(user, today),
        "follow_ups": interactions.home_follow_ups(user),
        "occasions": upcoming_occasions(user, limit=5),
        "retention_overdue": (
            retention_due(user, scope=scope, overdue_only=True, limit=8) if context["retention_overdue_count"] else []
        ),
        "at_risk": latest_warnings(user, scope=scope) if context["at_risk_count"] else [],
        "today": today,
    }
    return context


HOME_VISITS = 20


def days_visits(user: User, today: date) -> dict:
    """The visits of the home card: today's, or on a day without any (a weekend, a free
    day) the next working day's, so the first page opened always shows the work ahead."""

    def of(day: date) -> list[PlannedVisit]:
        visits = (
            PlannedVisit.objects.of_manager(user)
            .filter(date=day)
            .exclude(status=PlannedVisit.Status.CANCELLED)
            .select_related("client")
            .order_by("route_order", "client__name")
        )
        return list(visits[:HOME_VISITS])

    visits, day = of(today), today
    if not visits:
        day = next_working_day(today) or today
        visits = of(day) if day != today else []
    return {"visits_today": visits, "visits_day": day}
