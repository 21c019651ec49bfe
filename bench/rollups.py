"""The visit and satisfaction boards computed from the rollups against the same boards
computed from the raw rows, on the same database: times (p50, p95 in ms) and the figures
both give.

    .venv/bin/python bench/rollups.py                 # throw-away database, small dataset
    .venv/bin/python bench/rollups.py --scale large   # throw-away database, 100,000 clients
    .venv/bin/python bench/rollups.py --existing      # the database DATABASE_URL names, as it is

For the admin (company-wide) and the busiest manager's supervisor, this month: the planned,
done and temporary counts, the visits logged per day, the distinct active clients visited
with the checklist items not done, and coverage (the figures the rollups carry, see
rollups/selectors.py), then the whole visit board (``dashboards.figures.visit_dashboard``),
whose other figures (overdue and active clients, strategies) read raw rows either way;
the satisfaction board (``satisfaction_dashboard``: scores from the survey rollups, the
lowest-scoring clients from the answers either way); and the complaint board
(``complaint_dashboard``: the month's counts, breach rates, breakdowns and weekly trend from
the complaint rollups plus the complaints whose deadlines are not met yet; the open
complaints now and the percentiles of hours from the raw rows either way), at one "now".
The business board (``analysis.selectors_summary.business_board``, this month and last:
each month with the month before, its growth base) from the figure rollups (``FigureMonth``)
against the same board summed from the business figures (``figures_by_owner_from_figures``).
Exit status 1 when the two ways give different figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef, Q  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def raw_per_day(*, owners, month, until, restrict):
    """The board's visits logged per day as it read them before the rollups."""
    from visits.models import VisitLog

    logs = VisitLog.objects.filter(date__range=(month, until))
    if owners is not None:
        logs = logs.filter(owner_id__in=owners)
    return list(
        restrict(logs, "client__").values("date").annotate(n=Count("*")).order_by("date").values_list("date", "n")
    )


def raw_visited_and_checklist(*, owners, month, until, restrict):
    """The board's distinct active clients visited (by the clients' manager) and checklist
    items not done (by the logs' manager) as it read them before the rollups: two queries."""
    from clients.models import Client
    from visits.models import VisitLog
    from visits.selectors import checklist_missed

    logs = VisitLog.objects.filter(date__range=(month, until))
    visited = restrict(logs if owners is None else logs.filter(client__owner_id__in=owners), "client__")
    visited = {
        row["client__owner_id"]: row["visited"]
        for row in visited.filter(client__status=Client.Status.ACTIVE)
        .values("client__owner_id")
        .annotate(visited=Count("client_id", distinct=True))
    }
    missed = checklist_missed(restrict(logs if owners is None else logs.filter(owner_id__in=owners), "client__"))
    return visited, missed


@contextmanager
def raw_board():
    """The visit board as it was computed before the rollups: its counts from the raw rows."""
    from dashboards import figures
    from visits.selectors import coverage, visit_counts

    names = ("rollup_visit_counts", "visits_logged_per_day", "visited_and_checklist", "rollup_coverage")
    kept = {name: getattr(figures, name) for name in names}
    raw = (visit_counts, raw_per_day, raw_visited_and_checklist, coverage)
    for name, function in zip(names, raw, strict=True):
        setattr(figures, name, function)
    try:
        yield
    finally:
        for name, function in kept.items():
            setattr(figures, name, function)


def timed(function, runs: int) -> tuple[dict, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": round(statistics.median(times), 1), "p95": round(p95, 1)}, result


def totals(counts: dict) -> dict:
    names = ("planned", "done", "temporary", "planned_in_month", "done_in_month")
    return {name: sum(getattr(found, name) for found in counts.values()) for name in names}


BOARD_FIGURES = ("planned", "done", "temporary", "not_visited", "checklist_missed", "overdue_clients",
                 "strategies_total", "strategies_done", "clients_in_plan", "clients_covered")  # fmt: skip


def board_figures(board) -> dict:
    total = board.total
    return {
        "managers": len(board.rows),
        **{name: getattr(total, name) for name in BOARD_FIGURES},
        "logged": sum(n for _day, n in board.per_day),
        "per_manager": sorted((row.owner_id, *(getattr(row, name) for name in BOARD_FIGURES)) for row in board.rows),
    }


def seen_figures(found) -> dict:
    """Two counts per manager (visited and checklist items not done; covered and in plan)."""
    first, second = found
    return {
        "first": sum(first.values()),
        "second": sum(second.values()),
        "per_manager": (sorted(first.items()), sorted(second.items())),
    }


def headline(value):
    """What is printed of a figure: its totals (the per-row lists are compared, not shown)."""
    if not isinstance(value, dict):
        return value
    return {key: item for key, item in value.items() if not key.startswith("per_") and key != "lowest"}


def satisfaction_figures(board) -> dict:
    return {
        "answers": board.total.responses,
        "csat": board.total.csat,
        "nps": board.total.nps,
        "months": len(board.by_month),
        "per_manager": [(pk, score) for pk, _name, score, _target in board.by_owner],
        "per_team": board.by_team,
        "per_tier": board.by_tier,
        "per_month": board.by_month,
        "lowest": [(client.pk, score) for client, score in board.lowest],
    }


def complaint_figures(board) -> dict:
    return {
        "received": board.received,
        "first_response": (board.first_response_breached, board.first_response_total),
        "resolution": (board.resolution_breached, board.resolution_total),
        "on_site": (board.on_site_breached, board.on_site_total),
        "open": sum(board.by_state.values()),
        "per_breakdown": [board.by_category, board.by_severity, board.by_tier, board.by_owner],
        "per_week": board.per_week,
        "per_time": (board.first_response_times, board.resolution_times, board.by_deadline),
    }


def business_figures(board) -> dict:
    """The business board's actuals: the total's, and each manager's (compared, not shown)."""
    return {
        "managers": len(board.rows),
        "total": {code: board.total.cells[code].actual for code, _label in board.indicators},
        "per_manager": [(row.owner_id, [cell.actual for cell in row.cell_list]) for row in board.rows],
    }


def compare(users: dict, runs: int) -> bool:
    from analysis.models import BusinessFigure
    from complaints.models import Complaint
    from rollups.models import ComplaintDay, FigureMonth, VisitDay
    from visits.models import PlannedVisit
    from visits.rules import month_bounds, month_end, month_start, previous_month

    today = timezone.localdate()
    month = month_start(today)
    until = min(today, month_end(month))
    print(
        f"{PlannedVisit.objects.filter(date__range=(month, month_end(month))).count():,} planned visits this month; "
        f"{VisitDay.objects.filter(day__range=(month, month_end(month))).count():,} rollup rows"
    )
    start, end = month_bounds(month)
    print(
        f"{Complaint.objects.filter(received_at__gte=start, received_at__lt=end).count():,} complaints received "
        f"this month; {ComplaintDay.objects.filter(day__range=(month, month_end(month))).count():,} rollup rows"
    )
    last = previous_month(month)
    print(
        f"{BusinessFigure.objects.filter(month__in=[last, month]).count():,} business figures this month and "
        f"last; {FigureMonth.objects.filter(month__in=[last, month]).count():,} rollup rows"
    )
    same = True
    for who, user in users.items():
        same &= compare_one(who, user, month, until, runs)
    return same


def compare_one(who, user, month, until, runs: int) -> bool:
    from accounts.scoping import scope_for
    from analysis.models import MarketTarget
    from analysis.selectors_summary import business_board, figures_by_owner_from_figures
    from clients.models import Client
    from complaints.models import Complaint
    from dashboards import figures
    from dashboards.selectors import seen_with_client
    from rollups import selectors as rolled
    from rollups.models import ComplaintDay, SurveyMonth
    from surveys.models import Response
    from visits.rules import month_bounds, previous_month
    from visits.selectors import coverage, visit_counts

    today = timezone.localdate()
    same = True
    scope = scope_for(user)
    restrict = seen_with_client(scope, None)
    company_wide = scope.sees_everything
    managers = scope.users().filter(role=user.Role.MANAGER)
    owns_clients = Exists(restrict(Client.objects.filter(owner=OuterRef("pk")), ""))  # as the view asks
    people = user.__class__.objects.filter(Q(pk__in=managers.values("pk")) | owns_clients)
    ids = None if company_wide else list(people.values_list("pk", flat=True))
    args = {"owners": ids, "month": month, "until": until}
    raw_time, raw = timed(lambda: visit_counts(**args, today=today, restrict=restrict), runs)
    roll_time, roll = timed(lambda: rolled.visit_counts(**args, today=today, restrict=restrict), runs)
    raw_day_time, raw_days = timed(lambda: raw_per_day(**args, restrict=restrict), runs)
    roll_day_time, roll_days = timed(lambda: rolled.visits_logged_per_day(**args, restrict=restrict), runs)
    raw_seen_time, raw_seen = timed(lambda: raw_visited_and_checklist(**args, restrict=restrict), runs)
    roll_seen_time, roll_seen = timed(lambda: rolled.visited_and_checklist(**args, restrict=restrict), runs)
    raw_cover_time, raw_cover = timed(lambda: coverage(ids, month, until, restrict), runs)
    roll_cover_time, roll_cover = timed(lambda: rolled.coverage(ids, month, until, restrict), runs)
    with raw_board():
        raw_board_time, raw_whole = timed(
            lambda: figures.visit_dashboard(people, month, restrict=restrict, company_wide=company_wide), runs
        )
    roll_board_time, roll_whole = timed(
        lambda: figures.visit_dashboard(people, month, restrict=restrict, company_wide=company_wide), runs
    )
    responses, answers_rolled = Response.objects.visible_to(scope), SurveyMonth.objects.visible_to(scope)
    raw_csat_time, raw_csat = timed(lambda: figures.satisfaction_dashboard(responses, managers, month), runs)
    roll_csat_time, roll_csat = timed(
        lambda: figures.satisfaction_dashboard(responses, managers, month, rollups=answers_rolled), runs
    )
    complaints, complaints_rolled = Complaint.objects.visible_to(scope), ComplaintDay.objects.visible_to(scope)
    start, end = month_bounds(month)
    now = timezone.now()  # one moment for both: deadlines not met yet are judged against it
    raw_complaint_time, raw_complaints = timed(lambda: figures.complaint_dashboard(complaints, start, end, now), runs)
    roll_complaint_time, roll_complaints = timed(
        lambda: figures.complaint_dashboard(complaints, start, end, now, rollups=complaints_rolled), runs
    )
    targets = MarketTarget.objects.visible_to(scope)
    business = []
    for label, board_month in (("business board", month), ("business, last month", previous_month(month))):
        raw_business_time, raw_business = timed(
            lambda board_month=board_month: business_board(
                people, board_month, restrict=restrict, targets=targets, read_figures=figures_by_owner_from_figures
            ),
            runs,
        )
        roll_business_time, roll_business = timed(
            lambda board_month=board_month: business_board(people, board_month, restrict=restrict, targets=targets),
            runs,
        )
        business.append(
            (label, raw_business_time, roll_business_time, business_figures(raw_business),
             business_figures(roll_business))
        )  # fmt: skip
    rows = [
        *business,
        ("visit counts", raw_time, roll_time, totals(raw), totals(roll)),
        ("logged per day", raw_day_time, roll_day_time, sum(n for _d, n in raw_days),
         sum(n for _d, n in roll_days)),
        ("visited, checklist", raw_seen_time, roll_seen_time, seen_figures(raw_seen), seen_figures(roll_seen)),
        ("coverage", raw_cover_time, roll_cover_time, seen_figures(raw_cover), seen_figures(roll_cover)),
        ("whole visit board", raw_board_time, roll_board_time, board_figures(raw_whole), board_figures(roll_whole)),
        ("satisfaction board", raw_csat_time, roll_csat_time, satisfaction_figures(raw_csat),
         satisfaction_figures(roll_csat)),
        ("complaint board", raw_complaint_time, roll_complaint_time, complaint_figures(raw_complaints),
         complaint_figures(roll_complaints)),
    ]  # fmt: skip
    print(f"\n{who} ({user.username}, {'company-wide' if company_wide else 'team scope'}), {runs} runs each")
    print(f"  {'figure':<20} {'raw p50/p95 ms':>16} {'rollups p50/p95 ms':>20}  same figures")
    for name, raw_ms, roll_ms, raw_value, roll_value in rows:
        equal = raw_value == roll_value
        same &= equal
        print(
            f"  {name:<20} {raw_ms['p50']:>7} / {raw_ms['p95']:<7} {roll_ms['p50']:>9} / {roll_ms['p95']:<9}"
            f"  {'yes' if equal else 'NO'}"
        )
        print(f"    raw:     {headline(raw_value)}\n    rollups: {headline(roll_value)}")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "large"], default="small")
    parser.add_argument("--existing", action="store_true", help="Measure DATABASE_URL's database as it is.")
    parser.add_argument("--runs", type=int, default=20, help="Runs of each figure (default 20).")
    args = parser.parse_args()

    from accounts.models import User
    from datagen.generator import generate

    setup_test_environment()
    old_name = None
    if not args.existing:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        print(f"Generating the {args.scale} dataset in a throw-away database…")
        generated = generate(args.scale, log=lambda line: None)
        print(f"Generated in {generated['seconds']} s.")
    try:
        manager = User.objects.get(username="gen_mgr001")
        users = {"admin": User.objects.get(username="gen_admin"), "supervisor": manager.team.supervisor}
        same = compare(users, args.runs)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print("\nThe same figures both ways." if same else "\nDIFFERENT FIGURES: the rollups drifted or miscount.")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
