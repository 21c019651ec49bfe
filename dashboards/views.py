"""Supervisor dashboards (a manager sees the same pages for themselves): visits,
complaints and satisfaction for a month, filters in the URL, every table exportable as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from accounts.scoping import role_required, scope_for
from analysis.models import MarketIndicator, MarketTarget
from analysis.selectors_summary import business_board
from clients.models import Client
from complaints.models import Complaint
from crm import spreadsheets
from crm.replica import reading_replica
from interactions.models import Interaction
from interactions.selectors import requests_by_manager
from performance.models import ClientWarning
from performance.selectors import at_risk_by_rule, retention_counts
from rollups.models import ComplaintDay, SurveyMonth
from surveys.selectors import visible_responses
from visits.models import VisitLog
from visits.rules import month_bounds, next_month, previous_month
from visits.selectors import parse_month

from . import figures
from .caching import remembered
from .charts import time_series
from .selectors import seen_with_client

QUARTERLY_PAGE_SIZE = 50


def _scope(request):
    """The viewer's scope, once per request (its team lookup is then made once)."""
    if not hasattr(request, "_crm_scope"):
        request._crm_scope = scope_for(request.user)
    return request._crm_scope


def _filters(request):
    """Month and team from the URL, limited to what the viewer may see."""
    month = parse_month(request.GET.get("month"), timezone.localdate())
    scope = _scope(request)
    teams = list(scope.teams().order_by("name"))
    team = scope.team_from(request.GET.get("team"))
    managers = scope.users().filter(role=User.Role.MANAGER)
    if request.user.is_manager:
        managers = scope.users()
    if team is not None:
        managers = managers.filter(team=team)
    return month, teams, team, managers


def _cache_filters(month, team) -> tuple:
    """What a cached board depends on besides its viewer and their scope."""
    return (f"{month:%Y-%m}", team.pk if team else "")


def _context(request, month, teams, team, **extra):
    query = {"month": f"{month:%Y-%m}", **({"team": team.pk} if team else {})}
    return {
        "month": month,
        "previous": previous_month(month),
        "next": next_month(month),
        "teams": teams,
        "team": team,
        "query": urlencode(query),
        "team_query": f"&team={team.pk}" if team else "",
        **extra,
    }


def _download(filename: str, content, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(filename: str, headers: list[str], rows: list[list]) -> HttpResponse:
    """A table as CSV; text typed by people never runs as a formula (crm.spreadsheets)."""
    return _download(f"{filename}.csv", spreadsheets.csv_text([headers, *rows]), spreadsheets.CSV_CONTENT_TYPE)


def _xlsx(filename: str, headers: list[str], rows: list[list]) -> HttpResponse:
    """The same table as an Excel workbook."""
    return _download(f"{filename}.xlsx", spreadsheets.xlsx_bytes([headers, *rows]), spreadsheets.XLSX_CONTENT_TYPE)


def _export(request, prefix: str, month, tables: dict):
    """``?export=csv&table=<name>``: one table of the page as CSV (the first by default)."""
    name = request.GET.get("table") or next(iter(tables))
    if name not in tables:
        raise Http404
    headers, rows = tables[name]
    return _csv(f"{prefix}-{name}-{month:%Y-%m}", [str(h) for h in headers], rows)


def _score_rows(rows):
    return [[label, score.responses, score.csat, score.nps] for label, score in rows]


@login_required
@reading_replica()
def visits(request):
    month, teams, team, managers = _filters(request)
    scope = _scope(request)

    restrict = seen_with_client(scope, team)

    def compute():
        # The team's managers, and whoever still owns clients of the team (a manager who moved on):
        # looked up per user (``client_owner_name``), not by reading every client's owner.
        owns_clients = Exists(restrict(Client.objects.filter(owner=OuterRef("pk")), ""))
        people = User.objects.filter(Q(pk__in=managers.values("pk")) | owns_clients)
        start, end = month_bounds(month)
        return {
            "board": figures.visit_dashboard(
                people, month, restrict=restrict, company_wide=scope.sees_everything and team is None
            ),
            "request_rows": requests_by_manager(restrict(Interaction.objects.all(), ""), start, end),
            "at_risk": at_risk_by_rule(restrict(ClientWarning.objects.filter(active=True), "client__")),
            "retention": retention_counts(request.user, scope=scope, team=team),
        }

    data, as_of = remembered(request, scope, "visits", _cache_filters(month, team), compute)
    board = data["board"]
    if request.GET.get("export") == "csv":
        headers = [_("Account manager"), _("Planned"), _("Done"), _("Plan completion (%)"), _("Coverage (%)"),
                   _("Overdue clients"), _("Not visited this month"), _("Unplanned visits"), _("Strategies done"),
                   _("Strategies"), _("Checklist items not done")]  # fmt: skip
        rows = [
            [r.name, r.planned, r.done, r.completion, r.coverage, r.overdue_clients, r.not_visited, r.temporary,
             r.strategies_done, r.strategies_total, r.checklist_missed]
            for r in board.rows
        ]  # fmt: skip
        per_day_rows = [[f"{day:%Y-%m-%d}", n] for day, n in board.per_day]
        return _export(
            request,
            "visits",
            month,
            {"managers": (headers, rows), "per_day": ([_("Date"), _("Visits logged")], per_day_rows)},
        )
    chart = {
        "type": "bar",
        "labels": [row.name for row in board.rows],
        "datasets": [
            {"label": _("Planned"), "data": [row.planned for row in board.rows]},
            {"label": _("Done"), "data": [row.done for row in board.rows]},
        ],
    }
    per_day = time_series(
        [f"{day:%m-%d}" for day, _n in board.per_day],
        [{"label": _("Visits logged"), "data": [n for _day, n in board.per_day]}],
    )
    retention_waiting, retention_overdue = data["retention"]
    return render(
        request,
        "dashboards/visits.html",
        _context(
            request,
            month,
            teams,
            team,
            board=board,
            chart=chart,
            per_day=per_day,
            as_of=as_of,
            request_rows=data["request_rows"],
            at_risk=data["at_risk"],
            retention_waiting=retention_waiting,
            retention_overdue=retention_overdue,
            retention_days=settings.CRM_RETENTION_VISIT_DAYS,
            completion_target=settings.CRM_VISIT_COMPLETION_TARGET,
        ),
    )


@login_required
@reading_replica()
def complaints(request):
    month, teams, team, _managers = _filters(request)
    queryset = Complaint.objects.visible_to(_scope(request))
    # The month's counts from the complaint rollups, narrowed the same way (rollups.models.ComplaintDay).
    rollups = ComplaintDay.objects.visible_to(_scope(request))
    if team is not None:
        queryset = queryset.filter(team=team)
        rollups = rollups.filter(team=team)
    if request.user.is_manager:
        queryset = queryset.of_manager(request.user)
        rollups = rollups.of_manager(request.user)
    start, end = month_bounds(month)
    board, as_of = remembered(
        request,
        _scope(request),
        "complaints",
        _cache_filters(month, team),
        lambda: figures.complaint_dashboard(queryset, start, end, rollups=rollups),
    )
    tables = {
        "category": board.by_category,
        "severity": board.by_severity,
        "tier": board.by_tier,
        "manager": board.by_owner,
    }
    states = dict(Complaint.State.choices)
    if request.GET.get("export") == "csv":
        headers = [_("Received"), _("Resolution late"), _("Breach rate (%)")]
        exports = {
            name: ([name, *headers], [[row.label, row.total, row.breached, row.breach_rate] for row in rows])
            for name, rows in tables.items()
        }
        exports["states"] = ([_("State"), _("Open complaints")], [[states[k], n] for k, n in board.by_state.items()])
        exports["weeks"] = ([_("week of"), _("Received")], [[f"{w:%Y-%m-%d}", n] for w, n in board.per_week])
        return _export(request, "complaints", month, exports)
    by_state = {
        "type": "bar",
        "labels": [str(states[state]) for state in board.by_state],
        "datasets": [{"label": _("Open complaints"), "data": list(board.by_state.values())}],
    }
    per_week = time_series(
        [f"{week:%m-%d}" for week, _n in board.per_week],
        [{"label": _("Complaints received per week"), "data": [n for _w, n in board.per_week]}],
    )
    return render(
        request,
        "dashboards/complaints.html",
        _context(
            request,
            month,
            teams,
            team,
            board=board,
            as_of=as_of,
            tables=tables,
            states=[(state, states[state], n) for state, n in board.by_state.items()],
            first_times=board.first_response_times,
            resolution_times=board.resolution_times,
            by_state_chart=by_state,
            per_week=per_week,
            list_url=reverse("complaints:list"),
            # Links to the list: open ones by team; this month's by team and month of receipt.
            open_query=urlencode({"team": team.pk} if team else {}),
            received_query=urlencode({"received": f"{month:%Y-%m}", **({"team": team.pk} if team else {})}),
        ),
    )


@login_required
@reading_replica()
def satisfaction(request):
    month, teams, team, managers = _filters(request)
    responses = visible_responses(request.user)
    # The scores from the survey rollups, narrowed the same way (rollups.models.SurveyMonth).
    rollups = SurveyMonth.objects.visible_to(_scope(request))
    if team is not None:
        responses = responses.filter(client__team=team)
        rollups = rollups.filter(client_team=team)
    if request.user.is_manager:
        responses = responses.of_manager(request.user)
        rollups = rollups.of_manager(request.user)
    board, as_of = remembered(
        request,
        _scope(request),
        "satisfaction",
        _cache_filters(month, team),
        lambda: figures.satisfaction_dashboard(responses, managers, month, rollups=rollups),
    )
    if request.GET.get("export") == "csv":
        scores = [_("Responses"), _("CSAT"), _("NPS")]
        owners = [[name, score.responses, score.csat, score.nps, target] for _pk, name, score, target in board.by_owner]
        return _export(
            request,
            "satisfaction",
            month,
            {
                "managers": ([_("Account manager"), *scores, _("Satisfaction target")], owners),
                "teams": ([_("Team"), *scores], _score_rows(board.by_team)),
                "tiers": ([_("Tier"), *scores], _score_rows(board.by_tier)),
                "months": (
                    [pgettext("period", "Month"), *scores],
                    _score_rows((f"{m:%Y-%m}", s) for m, s in board.by_month),
                ),
                "lowest": ([_("Client"), *scores], _score_rows((c.name, s) for c, s in board.lowest)),
            },
        )
    trend = time_series(
        [f"{m:%Y-%m}" for m, _s in board.by_month],
        [
            {"label": _("CSAT"), "data": [s.csat for _m, s in board.by_month]},
            {"label": _("NPS"), "data": [s.nps for _m, s in board.by_month]},
        ],
    )
    return render(
        request,
        "dashboards/satisfaction.html",
        _context(request, month, teams, team, board=board, trend=trend, as_of=as_of),
    )


@login_required
@reading_replica()
def business(request):
    """Figures against the market targets by manager for the month (steps 5–6's market
    indicators): target, actual and the abnormal flag (5 % or more below the target)."""
    month, teams, team, managers = _filters(request)
    scope = _scope(request)
    board, as_of = remembered(
        request,
        scope,
        "business",
        _cache_filters(month, team),
        lambda: business_board(
            managers, month, restrict=seen_with_client(scope, team), targets=MarketTarget.objects.visible_to(scope)
        ),
    )
    if request.GET.get("export") == "csv":
        headers = [_("Account manager")]
        for _code, label in board.indicators:
            headers += [
                _("%(indicator)s: target") % {"indicator": label},
                _("%(indicator)s: actual") % {"indicator": label},
                _("%(indicator)s: abnormal") % {"indicator": label},
            ]
        rows = []
        for row in [*board.rows, board.total]:
            line = [row.name or _("Total")]
            for code, _label in board.indicators:
                cell_ = row.cells[code]
                line += [cell_.target, cell_.actual, _("yes") if cell_.abnormal else ""]
            rows.append(line)
        return _export(request, "business", month, {"managers": (headers, rows)})
    quantity = MarketIndicator.QUANTITY
    chart = {
        "type": "bar",
        "labels": [row.name for row in board.rows],
        "datasets": [
            {"label": _("Quantity target"), "data": [_number(row.cells[quantity].target) for row in board.rows]},
            {"label": _("Quantity"), "data": [_number(row.cells[quantity].actual) for row in board.rows]},
        ],
    }
    return render(
        request,
        "dashboards/business.html",
        _context(request, month, teams, team, board=board, chart=chart, as_of=as_of),
    )


def _number(value):
    """A figure for the chart's JSON (decimals are not JSON)."""
    return None if value is None else float(value)


@role_required(User.Role.SUPERVISOR)
@reading_replica()
def quarterly(request):
    """The quarterly visit report for leadership: clients' opinions and suggestions taken on
    visits and how each was handled, with totals per account manager; CSV and print."""
    quarter = figures.parse_quarter(request.GET.get("quarter"), timezone.localdate())
    scope = _scope(request)
    teams = list(scope.teams().order_by("name"))
    team = scope.team_from(request.GET.get("team"))
    logs = VisitLog.objects.visible_to(scope)
    if team is not None:
        logs = logs.filter(client__team=team)
    rows, totals = figures.quarterly_visits(logs, quarter)
    if request.GET.get("export") in ("csv", "xlsx"):
        headers = [_("Date"), _("Client"), _("Account manager"), _("What was done"),
                   _("Client's opinions and suggestions"), _("Effect of the visit"), _("Next follow-up")]  # fmt: skip
        csv_rows = [
            [f"{log.date:%Y-%m-%d}", log.client.name, str(log.owner), log.work_done, log.opinions, log.effect,
             f"{log.next_follow_up:%Y-%m-%d}" if log.next_follow_up else None]
            for log in rows
        ]  # fmt: skip
        if request.GET["export"] == "xlsx":
            return _xlsx(f"quarterly-{quarter}", [str(h) for h in headers], csv_rows)
        return _csv(f"quarterly-{quarter}", [str(h) for h in headers], csv_rows)
    page = Paginator(rows, QUARTERLY_PAGE_SIZE).get_page(request.GET.get("page"))
    team_query = {"team": team.pk} if team else {}
    return render(
        request,
        "dashboards/quarterly.html",
        {
            "quarter": quarter,
            "teams": teams,
            "team": team,
            "page": page,
            "totals": totals,
            "query": urlencode(team_query),
            "quarter_query": urlencode({"quarter": str(quarter), **team_query}),
            "team_query": f"&team={team.pk}" if team else "",
        },
    )
