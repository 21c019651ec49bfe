"""Spot checks and the monthly review of visit logs: thin views over the selectors and
services, everything narrowed to the viewer's scope (404 outside it, 403 for a role
that may not act)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import role_required, scope_for
from clients.models import Client
from crm.forms import add_service_errors, error_text
from visits import rules as visit_rules
from visits.models import VisitLog
from visits.selectors import MAX_YEAR, MIN_YEAR, parse_month

from . import selectors, services
from .forms import AcknowledgeForm, ReviewForm, SpotCheckForm

PAGE_SIZE = 25


def _team(request, scope):
    return scope.team_from(request.GET.get("team")) if not request.user.is_manager else None


@login_required
def spot_check_list(request):
    scope = scope_for(request.user)
    team = _team(request, scope)
    status = request.GET.get("status", "")
    if status not in selectors.STATUSES:
        status = ""
    checks = selectors.spot_checks(scope, status=status, team=team)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in (("status", status), ("team", team.pk if team else "")) if value})
    return render(
        request,
        "inspections/list.html",
        {
            "page": page,
            "status": status,
            "counts": selectors.status_counts(scope, team=team),
            "teams": list(scope.teams().order_by("name")) if not request.user.is_manager else [],
            "team": team,
            "query": query,
            "may_record": not request.user.is_manager,
        },
    )


def _client_from(request, scope) -> Client | None:
    value = request.GET.get("client", "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > 18:
        raise Http404
    return get_object_or_404(Client.objects.visible_to(scope).select_related("owner__team"), pk=value)


@role_required(User.Role.SUPERVISOR)
def spot_check_create(request):
    scope = scope_for(request.user)
    client = _client_from(request, scope)
    if client is None:
        query = request.GET.get("q", "")
        return render(
            request,
            "inspections/pick_client.html",
            {"q": query[:100], "clients": selectors.checkable_clients(scope, request.user, query)},
        )
    if not services.may_check(request.user, client):
        raise PermissionDenied(services.NOT_THE_CHECKER)
    form = SpotCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.record_spot_check(
                client=client,
                by=request.user,
                kind=data["kind"],
                day=data["date"],
                results=form.results(),
                score=data["score"],
                remarks=data["remarks"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The spot check was recorded; the account manager is asked to acknowledge it."))
            return redirect(check)
    return render(request, "inspections/form.html", {"form": form, "client": client})


@login_required
def spot_check_detail(request, pk: int):
    check = selectors.spot_check(scope_for(request.user), pk)
    may_acknowledge = check.manager_id == request.user.pk and not check.is_acknowledged
    return render(
        request,
        "inspections/detail.html",
        {
            "check": check,
            "items": list(check.items.all()),
            "form": AcknowledgeForm() if may_acknowledge else None,
        },
    )


@login_required
@require_POST
def spot_check_acknowledge(request, pk: int):
    check = selectors.spot_check(scope_for(request.user), pk)
    if check.manager_id != request.user.pk:
        raise PermissionDenied(services.ONLY_THE_MANAGER)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge(check, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("You acknowledged the spot check."))
        return redirect(check)
    items = list(check.items.all())
    return render(request, "inspections/detail.html", {"check": check, "items": items, "form": form})


@login_required
def reviews(request):
    """A supervisor's (or admin's) list of their managers' months, reviewed or not; a
    manager's own reviewed months with the comments."""
    scope = scope_for(request.user)
    if request.user.is_manager:
        page = Paginator(selectors.reviews_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "inspections/reviews_own.html", {"page": page})
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"), visit_rules.previous_month(today))
    team = _team(request, scope)
    managers = selectors.reviewable_managers(scope, team=team)
    page = Paginator(managers, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.month_rows(list(page.object_list), month)
    query = urlencode({"month": f"{month:%Y-%m}", **({"team": team.pk} if team else {})})
    return render(
        request,
        "inspections/reviews.html",
        {
            "page": page,
            "month": month,
            "previous": visit_rules.previous_month(month),
            "next": visit_rules.next_month(month),
            "teams": list(scope.teams().order_by("name")),
            "team": team,
            "query": query,
        },
    )


def _month_from(text: str):
    try:
        month = datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise Http404 from exc
    if not MIN_YEAR <= month.year <= MAX_YEAR:
        raise Http404
    return month


@login_required
def review(request, manager_id: int, month: str):
    """One manager's visit logs of one month, and the review: the form for their
    supervisor, the comment for everyone who may see it."""
    scope = scope_for(request.user)
    month_day = _month_from(month)
    manager = get_object_or_404(scope.users().filter(role=User.Role.MANAGER), pk=manager_id)
    may_review = services.may_review(request.user, manager)
    existing = selectors.review_of(manager.pk, month_day)
    form = None
    if may_review:
        form = ReviewForm(
            request.POST if request.method == "POST" else None,
            initial={"comment": existing.comment if existing else ""},
        )
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(services.NOT_THE_REVIEWER)
        if form.is_valid():
            try:
                services.review_visit_logs(
                    manager=manager, month=month_day, by=request.user, comment=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The month's visit logs are marked as reviewed."))
                return redirect("inspections:review", manager_id=manager.pk, month=f"{month_day:%Y-%m}")
    logs = VisitLog.objects.visible_to(scope).filter(pk__in=services.logs_of_month(manager.pk, month_day).values("pk"))
    logs = logs.select_related("client").order_by("date", "created_at", "pk")
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/review.html",
        {
            "manager": manager,
            "month": month_day,
            "review": existing,
            "form": form,
            "page": page,
            # Counted as the supervisor's list counts them (every log of the month).
            "new_since_review": (
                max(0, services.logs_of_month(manager.pk, month_day).count() - existing.logs_reviewed)
                if existing
                else 0
            ),
        },
    )
