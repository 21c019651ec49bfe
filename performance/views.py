"""At-risk clients and the managers' monthly scorecard: thin views over the selectors,
everything narrowed to the viewer's scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import scope_for
from crm.i18n import localized
from crm.paginator import CappedPaginator
from crm.replica import reading_replica
from visits.rules import next_month, previous_month
from visits.selectors import parse_month

from . import scorecard as cards
from .models import RuleCode, ScorecardWeights
from .selectors import at_risk_clients, at_risk_page

PAGE_SIZE = 25


@login_required
@reading_replica()
def at_risk(request):
    scope = scope_for(request.user)
    teams = list(scope.teams().order_by("name")) if not request.user.is_manager else []
    team = scope.team_from(request.GET.get("team")) if not request.user.is_manager else None
    rule = request.GET.get("rule", "")
    if rule not in RuleCode.values:
        rule = ""
    clients = at_risk_clients(request.user, team=team, rule=rule, scope=scope)
    page = CappedPaginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = at_risk_page(page.object_list)
    query = urlencode({key: value for key, value in (("team", team.pk if team else ""), ("rule", rule)) if value})
    return render(
        request,
        "performance/at_risk.html",
        {"page": page, "teams": teams, "team": team, "rule": rule, "rules": RuleCode.choices, "query": query},
    )


def _managers(request, scope, team):
    """Whose scorecards the viewer sees: a manager only their own; a supervisor their
    teams' managers; an admin every manager (or one team's)."""
    if request.user.is_manager:
        return User.objects.filter(pk=request.user.pk).select_related("team")
    managers = scope.users().filter(role=User.Role.MANAGER)
    if team is not None:
        managers = managers.filter(team=team)
    return managers.order_by(localized("team__name"), "last_name", "first_name", "username")


@login_required
@reading_replica()
def scorecard(request):
    scope = scope_for(request.user)
    month = parse_month(request.GET.get("month"), timezone.localdate())
    teams = list(scope.teams().order_by("name")) if not request.user.is_manager else []
    team = scope.team_from(request.GET.get("team")) if not request.user.is_manager else None
    rows = cards.scorecards(_managers(request, scope, team), month)
    period = rows[0].period if rows else cards.Period.of(month)
    weights = ScorecardWeights.get()
    query = {"month": f"{month:%Y-%m}", **({"team": team.pk} if team else {})}
    return render(
        request,
        "performance/scorecard.html",
        {
            "rows": rows,
            "figures": [(code, cards.FIGURES[code], getattr(weights, code)) for code in cards.shown_figures(weights)],
            "period": period,
            "month": period.month,
            "previous": previous_month(period.month),
            "next": next_month(period.month),
            "teams": teams,
            "team": team,
            "query": urlencode(query),
            "team_query": f"&team={team.pk}" if team else "",
            "punctuality_minutes": settings.CRM_PUNCTUALITY_MINUTES,
            "counts_spot_checks": bool(weights.spot_checks),
        },
    )


@login_required
@reading_replica()
def scorecard_records(request, manager_id: int, figure: str):
    if figure not in cards.FIGURES:
        raise Http404
    scope = scope_for(request.user)
    # A manager sees only their own records; others only those of people in their scope.
    manager = get_object_or_404(scope.users(), pk=manager_id)
    month = parse_month(request.GET.get("month"), timezone.localdate())
    period = cards.Period.of(month)
    rows = cards.records(figure, manager.pk, period)
    visible = scope.filter(rows, paths=cards.record_paths(figure))
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = cards.annotate_records(figure, list(page.object_list), period)
    # Records about clients now outside the viewer's scope still count, unnamed.
    hidden = rows.count() - page.paginator.count
    return render(
        request,
        "performance/scorecard_records.html",
        {
            "manager": manager,
            "figure": figure,
            "label": cards.FIGURES[figure],
            "page": page,
            "period": period,
            "month": period.month,
            "previous": previous_month(period.month),
            "next": next_month(period.month),
            "hidden": hidden,
            "query": urlencode({"month": f"{period.month:%Y-%m}"}),
        },
    )


@login_required
@require_POST
def mark(request, client_pk: int):
    """Mark a client as tending to leave (or clear the mark): its manager, the supervisor, an admin."""
    from clients.selectors import get_client

    from . import services
    from .forms import MarkForm

    client = get_client(request.user, client_pk)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif form.cleaned_data["clear"]:
        services.clear_mark(client, by=request.user)
        messages.success(request, _("The mark was cleared."))
    else:
        services.mark_tending_to_leave(client, by=request.user, reason=form.cleaned_data["reason"].strip())
        messages.success(request, _("Marked as tending to leave: a retention visit is now due."))
    return redirect(client)
