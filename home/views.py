"""The start page of each role, and a client's history (audit trail)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import User
from accounts.scoping import role_required, scope_for
from clients.selectors import get_client

from . import audit, search, selectors


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


@login_required
def site_search(request):
    """The navigation's search box: Enter on an exact code, number or phone opens that
    record; anything else shows the results grouped (``home/search.py``)."""
    scope = scope_for(request.user)
    text = search.clean_query(request.GET.get("q"))
    if request.GET.get("go") != "0" and (record := search.exact_match(request.user, text, scope=scope)):
        return redirect(search.url_of(record))
    results = search.site_search(request.user, text, scope=scope)
    return render(
        request, "home/search.html", {"results": results, "query": text, "too_short": 0 < len(text) < search.MIN_LENGTH}
    )


@login_required
def search_suggest(request):
    """The search box's suggestions as you type (``js/search.js``): the same results as the
    page, three of each kind."""
    results = search.site_search(request.user, request.GET.get("q"), per_group=search.SUGGESTIONS_PER_GROUP)
    return JsonResponse({"query": results.query, "results": search.suggestions(results)})
