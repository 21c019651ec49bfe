"""The market information page: observations by area, brand and month, and its export."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from crm import spreadsheets
from crm.http import search_text
from crm.paginator import CappedPaginator
from visits.selectors import MAX_YEAR, MIN_YEAR

from . import selectors
from .selectors import MarketFilters

PAGE_SIZE = 50


def _filters(request, scope) -> tuple[MarketFilters, dict]:
    """The page's filters from the query; a team or a manager out of scope is 404, a month
    that does not parse is left out."""
    params = {}
    team = scope.team_from(request.GET.get("team", "")[:20])
    if team:
        params["team"] = team.pk
    owner = scope.user_from(request.GET.get("owner", "")[:20])
    if owner:
        params["owner"] = owner.pk
    brand = search_text(request.GET.get("brand"), 120)
    if brand:
        params["brand"] = brand
    month = _month(request.GET.get("month", ""))
    if month:
        params["month"] = f"{month:%Y-%m}"
    filters = MarketFilters(
        team_id=team.pk if team else None, owner_id=owner.pk if owner else None, brand=brand, month=month
    )
    return filters, params


def _month(text: str) -> date | None:
    """``?month=YYYY-MM``, or None (any month) when it does not parse or is out of range."""
    try:
        month = datetime.strptime(text[:7], "%Y-%m").date().replace(day=1)
    except ValueError:
        return None
    return month if MIN_YEAR <= month.year <= MAX_YEAR else None


@login_required
def market_list(request):
    scope = scope_for(request.user)
    filters, params = _filters(request, scope)
    rows = selectors.visible_observations(scope, filters)
    page = CappedPaginator(selectors.observation_rows(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/list.html",
        {
            "page": page,
            "summary": selectors.summary(rows),
            "params": params,
            "query": urlencode(params),
            "teams": list(scope.teams()) if not request.user.is_manager else [],
            "managers": list(selectors.managers_for(scope)) if not request.user.is_manager else [],
            "this_month": timezone.localdate().replace(day=1),
        },
    )


@login_required
def market_export(request):
    """The same rows as the page, every one, as CSV (text people typed never runs as a
    formula: crm.spreadsheets)."""
    scope = scope_for(request.user)
    filters, _params = _filters(request, scope)
    rows = selectors.export_rows(selectors.visible_observations(scope, filters))
    header = [
        _("Date"), _("Area"), _("Team"), _("Account manager"), _("Client code"), _("Client"),
        _("Competitor brand"), _("Product"), _("Price"), _("Promotion"), _("Shelf position"),
        _("Shelf share (%)"), _("Remark"), _("Recorded on"),
    ]  # fmt: skip
    lines = (
        [
            row.observed_on,
            row.team.area if row.team else "",
            row.team.name if row.team else "",
            row.owner.get_full_name() or row.owner.username,
            row.client.code,
            row.client.name,
            row.brand,
            row.product,
            row.price,
            row.promotion,
            row.get_shelf_position_display() if row.shelf_position else "",
            row.shelf_share,
            row.remark,
            _("visit") if row.visit_log_id else _("call"),
        ]
        for row in rows
    )
    response = HttpResponse(spreadsheets.csv_text([header, *lines]), content_type=spreadsheets.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="market-{timezone.localdate():%Y%m%d}.csv"'
    return response
