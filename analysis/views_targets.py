"""Pages of steps 3–6 and the analysis overview. Thin: parse, call a service or selector,
render. A manager works on their own analysis; a supervisor or admin may open a team
member's with ``?owner=<id>`` (read-only; out of scope is 404)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import role_required, scope_for
from crm.forms import add_service_errors, error_text
from visits import rules as month_rules

from . import brand, market, selectors
from .forms_targets import BrandTargetsForm, ConclusionForm, FocusProductsForm, MarketTargetsForm, TargetClientsForm
from .models import MarketIndicator, Rate

ROLES = (User.Role.MANAGER, User.Role.SUPERVISOR, User.Role.ADMIN)
RATE_COLUMNS = [(code, label) for code, label in Rate.choices]


def _owner(request) -> User:
    """Whose analysis the page shows: the user's own, or a visible colleague's (?owner=)."""
    wanted = request.GET.get("owner")
    if not wanted or wanted == str(request.user.pk):
        return request.user
    if not wanted.isdecimal():
        raise Http404
    return get_object_or_404(scope_for(request.user).users(), pk=wanted)


def _page(request, owner: User, **extra) -> dict:
    month = selectors.parse_month(request.GET.get("month"))
    params = {key: value for key, value in extra.items() if value}
    if owner.pk != request.user.pk:
        params["owner"] = owner.pk
    return {
        "owner": owner,
        "read_only": owner.pk != request.user.pk,
        "month": month,
        "analysed": selectors.analysed_month(month),
        "previous": month_rules.previous_month(month),
        "next": month_rules.next_month(month),
        "nav_query": urlencode(params),
        "query": "?" + urlencode({"month": f"{month:%Y-%m}", **params}),
    }


def _own_only(request, context) -> None:
    if context["read_only"]:
        raise PermissionDenied


# --- overview and team ---------------------------------------------------------------------


@role_required(*ROLES)
def overview(request):
    owner = _owner(request)
    context = _page(request, owner)
    context["steps"] = selectors.analysis_steps(owner, context["month"], query=context["query"])
    context["analysis"] = selectors.month_analysis(owner, context["month"])
    return render(request, "analysis/overview.html", context)


@role_required(User.Role.SUPERVISOR, User.Role.ADMIN)
def team(request):
    scope = scope_for(request.user)
    chosen = scope.team_from(request.GET.get("team")) or scope.teams().order_by("name").first()
    context = _page(request, request.user, team=chosen.pk if chosen else None)
    context.update(team=chosen, teams=list(scope.teams().order_by("name")))
    if chosen is None:
        return render(request, "analysis/team.html", context)
    month = context["month"]
    may_decide = brand.may_name_focus_products(request.user, chosen)
    form = MarketTargetsForm(
        request.POST if request.method == "POST" and "analyse" not in request.POST else None,
        initial=selectors.market_targets(team=chosen, owner=None, month=month),
    )
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if "analyse" in request.POST:
            market.analyse_team_market(team=chosen, month=month, by=request.user)
            messages.success(request, _("The team's market analysis was computed."))
            return redirect(request.get_full_path())
        if form.is_valid():
            market.set_market_targets(team=chosen, owner=None, month=month, values=form.cleaned_data, by=request.user)
            messages.success(request, _("The team's targets were saved."))
            return redirect(request.get_full_path())
    context.update(
        rows=selectors.team_rows(scope, chosen, month),
        results=selectors.market_results(owner=None, team=chosen, month=month),
        indicators=MarketIndicator.choices,
        form=form,
        may_decide=may_decide,
    )
    return render(request, "analysis/team.html", context)


# --- focus products ------------------------------------------------------------------------


@role_required(*ROLES)
def focus(request):
    scope = scope_for(request.user)
    chosen = scope.team_from(request.GET.get("team")) or scope.teams().order_by("name").first()
    context = _page(request, request.user, team=chosen.pk if chosen and request.GET.get("team") else None)
    month = context["month"]
    products = selectors.focus_products(chosen, month)
    may_decide = chosen is not None and brand.may_name_focus_products(request.user, chosen)
    form = None
    if may_decide:
        form = FocusProductsForm(request.POST if request.method == "POST" else None, initial={"products": products})
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            brand.set_focus_products(team=chosen, month=month, products=form.cleaned_data["products"], by=request.user)
            messages.success(request, _("The focus products were saved."))
            return redirect(request.get_full_path())
    context.update(team=chosen, teams=list(scope.teams().order_by("name")), products=products, form=form)
    return render(request, "analysis/focus.html", context)


# --- step 3: brand targets -----------------------------------------------------------------


@role_required(*ROLES)
def brand_targets(request):
    owner = _owner(request)
    context = _page(request, owner)
    month = context["month"]
    products = selectors.focus_products(owner.team, month)
    targets = selectors.brand_targets(owner, month)
    initial = {"until": f"{month:%Y-%m}"}
    for product in products:
        for rate in brand.RATES:
            target = targets.get(product.pk)
            initial[BrandTargetsForm.key(product, rate)] = getattr(target, rate) if target else None
    form = BrandTargetsForm(request.POST if request.method == "POST" else None, initial=initial, products=products)
    if request.method == "POST":
        _own_only(request, context)
        if form.is_valid():
            try:
                written = brand.set_brand_targets(
                    owner=owner, first_month=month, last_month=form.cleaned_data["until"], targets=form.targets()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(count)s targets were saved.") % {"count": written})
                return redirect(request.get_full_path())
    context.update(form=form, products=products, rates=RATE_COLUMNS)
    return render(request, "analysis/brand_targets.html", context)


# --- step 4: target clients ----------------------------------------------------------------


@role_required(*ROLES)
def target_clients(request):
    owner = _owner(request)
    products = selectors.focus_products(owner.team, selectors.parse_month(request.GET.get("month")))
    wanted = request.GET.get("product", "")
    product = next((p for p in products if str(p.pk) == wanted), products[0] if products else None)
    context = _page(request, owner, product=product.pk if product and wanted else None)
    month = context["month"]
    context.update(products=products, product=product, counts=selectors.target_client_counts(owner, month))
    if product is None:
        return render(request, "analysis/target_clients.html", context)
    own = selectors.own_clients(owner).visible_to(request.user).order_by("name")
    chosen = selectors.target_client_ids(owner, product, month)
    form = TargetClientsForm(
        request.POST if request.method == "POST" else None, initial={"clients": list(chosen)}, own_clients=own
    )
    if request.method == "POST":
        _own_only(request, context)
        if form.is_valid():
            try:
                count = brand.choose_target_clients(owner=owner, product=product, month=month, clients=form.chosen())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(count)s target clients were saved.") % {"count": count})
                return redirect(request.get_full_path())
    context.update(form=form, chosen=chosen, clients=list(own))
    return render(request, "analysis/target_clients.html", context)


# --- steps 5 and 6: brand and market analysis -------------------------------------------------


def _conclusions(request, context, *, analyse, conclude, extra_form=None):
    """The POST of an analysis page: "analyse" recomputes; otherwise the conclusions (and
    the extra form, if any) are saved and the step counts as done."""
    _own_only(request, context)
    owner, month = context["owner"], context["month"]
    if "analyse" in request.POST:
        try:
            analyse(owner=owner, month=month)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The analysis was computed."))
        return redirect(request.get_full_path())
    form = ConclusionForm(request.POST)
    if form.is_valid() and (extra_form is None or extra_form.is_valid()):
        if extra_form is not None:
            market.set_market_targets(
                team=owner.team, owner=owner, month=month, values=extra_form.cleaned_data, by=request.user
            )
        conclude(owner=owner, month=month, **form.cleaned_data)
        messages.success(request, _("Your conclusions were saved."))
        return redirect(request.get_full_path())
    return form


@role_required(*ROLES)
def brand_analysis(request):
    owner = _owner(request)
    context = _page(request, owner)
    month = context["month"]
    analysis = selectors.month_analysis(owner, month)
    form = ConclusionForm(
        initial={"problems": analysis.brand_problems, "focus": analysis.brand_focus} if analysis else None
    )
    if request.method == "POST":
        answer = _conclusions(request, context, analyse=brand.analyse_brands, conclude=brand.conclude_brand_analysis)
        if not isinstance(answer, ConclusionForm):
            return answer
        form = answer
    problems = selectors.problem_clients(owner, month, "brand:").visible_to(request.user)
    context.update(
        analysis=analysis,
        form=form,
        rows=selectors.brand_results(owner, month),
        rates=RATE_COLUMNS,
        problems=problems[:100],
        problem_count=problems.count(),
    )
    return render(request, "analysis/brand.html", context)


@role_required(*ROLES)
def market_analysis(request):
    owner = _owner(request)
    context = _page(request, owner)
    month = context["month"]
    analysis = selectors.month_analysis(owner, month)
    form = ConclusionForm(
        initial={"problems": analysis.market_problems, "focus": analysis.market_focus} if analysis else None
    )
    targets_form = MarketTargetsForm(initial=selectors.market_targets(team=None, owner=owner, month=month))
    if request.method == "POST":
        _own_only(request, context)
        if owner.team_id is None and "analyse" not in request.POST:
            messages.error(request, _("You belong to no team: ask an admin to add you to one."))
            return redirect(request.get_full_path())
        targets_form = MarketTargetsForm(request.POST)
        answer = _conclusions(
            request, context, analyse=market.analyse_market, conclude=market.conclude_market_analysis,
            extra_form=targets_form,
        )  # fmt: skip
        if not isinstance(answer, ConclusionForm):
            return answer
        form = answer
    results = selectors.market_results(owner=owner, team=None, month=month)
    problems = selectors.problem_clients(owner, month, "market:").visible_to(request.user)
    context.update(
        analysis=analysis,
        form=form,
        targets_form=targets_form,
        rows=[(code, label, results.get(code)) for code, label in MarketIndicator.choices],
        problems=problems[:100],
        problem_count=problems.count(),
    )
    return render(request, "analysis/market.html", context)
