from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Team, User
from accounts.scoping import role_required, scope_for
from care.selectors import upcoming_occasions
from clients.selectors import get_client, visible_clients
from complaints.models import Complaint, ReturnVisit
from complaints.selectors import OPEN_STATES
from interactions import selectors as interactions
from performance.selectors import flagged_clients, latest_warnings, retention_due, waiting_for_retention
from visits import rules as visit_rules
from visits.models import MonthlyPlan, PlannedVisit
from visits.selectors import approval_queue

from .audit import client_history
from .health import run_checks
from .queries import count_each


@login_required
def home(request):
    """Each role's start page; sections appear as their features land."""
    user = request.user
    scope = scope_for(user)
    context = {"scope": scope}
    if user.is_crm_admin:
        template = "home/admin.html"
        context["teams"] = scope.teams().select_related("supervisor").order_by("name")
        context["user_count"] = scope.users().filter(is_active=True).count()
    elif user.is_supervisor:
        template = "home/supervisor.html"
        context["teams"] = scope.teams().select_related("supervisor").order_by("name")
        context["members"] = scope.users().filter(is_active=True).exclude(pk=user.pk).order_by("team__name", "username")
        requests = interactions.request_querysets(user, scope=scope)
        counts = count_each(
            waiting_plans=approval_queue(user),
            requests_waiting=requests["waiting"],
            requests_late=requests["late"],
            at_risk_count=flagged_clients(user, scope=scope),
            messages_to_decide=interactions.messages_to_decide(user),
        )
        context.update(counts)
    else:
        template = "home/manager.html"
        today = timezone.localdate()
        requests = interactions.request_querysets(user, scope=scope)
        # The small counters in one query: the home page is the most visited page.
        counts = count_each(
            overdue_clients=visible_clients(user).filter(next_visit_due__lt=today),
            open_complaints=Complaint.objects.filter(owner=user, state__in=OPEN_STATES),
            return_visits_due=ReturnVisit.objects.filter(owner=user, done_at__isnull=True),
            requests_waiting=requests["waiting"],
            requests_late=requests["late"],
            at_risk_count=flagged_clients(user, scope=scope),
            retention_overdue_count=waiting_for_retention(user, scope=scope, today=today, overdue_only=True),
        )
        context.update(counts)
        context["team"] = Team.objects.select_related("supervisor").filter(pk=user.team_id).first()
        context["supervisor"] = context["team"].supervisor if context["team"] else None
        context["month_plan"] = MonthlyPlan.objects.filter(owner=user, month=visit_rules.month_start(today)).first()
        context["visits_today"] = PlannedVisit.objects.filter(owner=user, date=today).select_related("client")[:20]
        context["follow_ups"] = interactions.home_follow_ups(user)
        context["occasions"] = upcoming_occasions(user, limit=5)
        context["retention_overdue"] = (
            retention_due(user, scope=scope, overdue_only=True, limit=8) if counts["retention_overdue_count"] else []
        )
        context["today"] = today
    if not user.is_crm_admin:
        context["at_risk"] = latest_warnings(user, scope=scope) if context["at_risk_count"] else []
    return render(request, template, context)


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers (no database, no login). For restarts by a supervisor."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers and monitors (no login, no secrets): database,
    migrations, cache, broker, and a worker and the beat seen recently; 503 otherwise."""
    ready, results = run_checks()
    return JsonResponse({"status": "ok" if ready else "error", "checks": results}, status=200 if ready else 503)


@role_required(User.Role.SUPERVISOR, User.Role.ADMIN)
def client_audit(request, pk: int):
    """Who changed what and when about one client (supervisors of its team and admins)."""
    client = get_client(request.user, pk)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) < 6 else 1  # client_history keeps it in range
    entries, has_next = client_history(client, request.user, page)
    return render(
        request, "clients/history.html", {"client": client, "entries": entries, "page": page, "has_next": has_next}
    )
