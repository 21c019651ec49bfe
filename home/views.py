"""The start page of each role, and a client's history (audit trail)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from accounts.scoping import role_required, scope_for
from clients.selectors import get_client

from . import audit, selectors


@login_required
def start(request):
    """Each role's start page; sections appear as their features land."""
    user = request.user
    scope = scope_for(user)
    if user.is_crm_admin:
        template, context = "home/admin.html", selectors.admin_start(user, scope=scope)
    elif user.is_supervisor:
        template, context = "home/supervisor.html", selectors.supervisor_start(user, scope=scope)
    else:
        today = timezone.localdate()
        template, context = "home/manager.html", selectors.manager_start(user, scope=scope, today=today)
    return render(request, template, {"scope": scope, **context})


@role_required(User.Role.SUPERVISOR, User.Role.ADMIN)
def client_history(request, pk: int):
    """Who changed what and when about one client (supervisors of its team and admins)."""
    client = get_client(request.user, pk)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) < 6 else 1  # client_history keeps it in range
    entries, has_next = audit.client_history(client, request.user, page)
    return render(
        request, "home/client_history.html", {"client": client, "entries": entries, "page": page, "has_next": has_next}
    )
