"""Steps 1–2 of the analysis: direct demand, business effect, ability scores, potential
strategies and area statistics. Thin: parse, call a service or selector, render.

Managers work on their own book; a supervisor (or an admin) reads the team's, or one
manager's with ``?owner=``. The month in the URL is the month *planned* (``?month=YYYY-MM``,
next month by default): its figures are the month before's.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import role_required, scope_for
from clients.models import Client
from clients.selectors import get_client
from crm.forms import MAX_ID, add_service_errors, error_text
from visits import rules as visit_rules
from visits.selectors import owner_in_scope

from . import demand as demand_services
from . import effect as effect_services
from . import selectors_state as selectors
from .forms_state import DemandForm, ScoreForm
from .selectors import parse_month

PAGE_SIZE = 50


def _month(request) -> date:
    """The month planned: the page's, else ``selectors.default_month`` (one rule for every
    analysis page: this month, and the next one from the 25th)."""
    return parse_month(request.POST.get("month") or request.GET.get("month"))


def _owner(request) -> User | None:
    """Whose book the page shows: a manager's own; a supervisor's or an admin's choice
    (``?owner=``, in their scope, else 404), or the whole scope."""
    wanted = request.GET.get("owner")
    if wanted or request.user.is_manager:
        return owner_in_scope(request.user, wanted)
    return None


def _context(request, month: date, owner: User | None, **extra) -> dict:
    scope = scope_for(request.user)
    is_own = owner is not None and owner.pk == request.user.pk and request.user.is_manager
    owner_query = f"&owner={owner.pk}" if owner is not None and not is_own else ""
    return {
        "month": month,
        "previous": visit_rules.previous_month(month),
        "next": visit_rules.next_month(month),
        "analysed": effect_services.analysed_month(month),
        "owner": owner,
        "is_own": is_own,
        "owners": [] if request.user.is_manager else list(scope.users().filter(role=User.Role.MANAGER)),
        "analysis": selectors.month_analysis(owner, month) if owner is not None else None,
        "owner_query": owner_query,
        "page_query": f"month={month:%Y-%m}{owner_query}",
        **extra,
    }


def _back(name: str, month: date) -> str:
    return f"{reverse(name)}?month={month:%Y-%m}"


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdecimal() and int(v) <= MAX_ID]


# --- step 1: direct demand ----------------------------------------------------------------------


@login_required
def demand(request):
    month, owner = _month(request), _owner(request)
    scope = scope_for(request.user)
    form = None
    if owner is not None and owner.pk == request.user.pk and request.user.is_manager:
        form = DemandForm(request.POST if request.method == "POST" else None, owner=request.user)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                demand_services.save_demand(by=request.user, month=month, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The demand was saved; confirm it when it is right."))
                return redirect(_back("analysis:demand", month))
    rows = selectors.demands(scope, month=month, owner=owner)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analysis/demand.html",
        _context(
            request, month, owner, form=form, page=page, counts=selectors.demand_counts(scope, month=month, owner=owner)
        ),
    )


@role_required(User.Role.MANAGER)
@require_POST
def demand_confirm(request):
    """Confirm the selected demands (or one, or all of the month's), or remove one."""
    month = _month(request)
    if request.POST.get("remove"):
        removed = demand_services.remove_demand(by=request.user, ids=_ids([request.POST["remove"]]))
        if removed:
            messages.success(request, _("The demand was removed."))
        return redirect(_back("analysis:demand", month))
    if request.POST.get("one"):
        ids = _ids([request.POST["one"]])
    elif request.POST.get("all"):
        ids = list(
            selectors.demands(scope_for(request.user), month=month, owner=request.user)
            .filter(confirmed_at__isnull=True)
            .values_list("pk", flat=True)
        )
    else:
        ids = _ids(request.POST.getlist("ids"))
    if not ids:
        messages.warning(request, _("Select the demands to confirm."))
        return redirect(_back("analysis:demand", month))
    confirmed = demand_services.confirm_demand(by=request.user, ids=ids)
    messages.success(request, _("%(count)s demands were confirmed.") % {"count": confirmed})
    return redirect(_back("analysis:demand", month))


# --- step 2: business effect, scores, strategies, area statistics --------------------------------


@login_required
def effect(request):
    month, owner = _month(request), _owner(request)
    sort = request.GET.get("sort", "client")
    if sort not in selectors.EFFECT_SORTS:
        sort = "client"
    rows = selectors.effects(scope_for(request.user), month=month, owner=owner, sort=sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analysis/effect.html", _context(request, month, owner, page=page, sort=sort))


@role_required(User.Role.MANAGER)
@require_POST
def effect_compute(request):
    month = _month(request)
    count = effect_services.compute_business_effect(owner=request.user, month=month)
    messages.success(request, _("The business effect of %(count)s clients was computed.") % {"count": count})
    return redirect(_back("analysis:effect", month))


@role_required(User.Role.MANAGER)
@require_POST
def generate(request):
    month = _month(request)
    try:
        count = effect_services.generate_potential_strategies(owner=request.user, month=month)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_back("analysis:effect", month))
    messages.success(request, _("Strategies generated: %(count)s potential-demand strategies.") % {"count": count})
    return redirect(_back("analysis:area", month))


@login_required
def scores(request):
    month, owner = _month(request), _owner(request)
    clients = selectors.scored_clients(scope_for(request.user), owner=owner)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    dimensions = selectors.active_dimensions()
    scored = selectors.scores_by_client([c.pk for c in page], month)
    rows = [(client, [scored.get(client.pk, {}).get(d.pk) for d in dimensions]) for client in page]
    return render(
        request,
        "analysis/scores.html",
        _context(request, month, owner, page=page, rows=rows, dimensions=dimensions),
    )


@login_required
def score(request, client_pk: int):
    """A client's scores for the month (the manager's form) and their history."""
    client: Client = get_client(request.user, client_pk)
    month = _month(request)
    dimensions = selectors.active_dimensions()
    can_score = request.user.is_manager and client.owner_id == request.user.pk
    current = selectors.scores_by_client([client.pk], month).get(client.pk, {})
    initial = {f"dimension_{pk}": value for pk, value in current.items()}
    form = ScoreForm(request.POST if request.method == "POST" else None, dimensions=dimensions, initial=initial)
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        if form.is_valid():
            try:
                effect_services.score_client(by=request.user, client=client, month=month, scores=form.scores())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The scores were saved."))
                return redirect(f"{reverse('analysis:scores')}?month={month:%Y-%m}")
    return render(
        request,
        "analysis/score.html",
        {
            "client": client,
            "month": month,
            "form": form if can_score else None,
            "dimensions": dimensions,
            "current": [(d, current.get(d.pk)) for d in dimensions],
            "history": [(m, [scores.get(d.pk) for d in dimensions]) for m, scores in selectors.score_history(client)],
            "changes": selectors.score_changes(client),
        },
    )


@login_required
def area(request):
    month, owner = _month(request), _owner(request)
    scope = scope_for(request.user)
    owners = [owner] if owner is not None else list(scope.users().filter(role=User.Role.MANAGER))
    rows, waiting = selectors.area_statistics(scope, month=month, owners=owners)
    return render(request, "analysis/area.html", _context(request, month, owner, rows=rows, waiting=waiting))
