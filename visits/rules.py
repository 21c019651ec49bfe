"""The work cycle's rules as pure functions (no database): visit frequencies for the
monthly plan, and spreading visits over working days (which days are working days is
the working-day calendar's answer, workdays.selectors.working_days, passed in as ``days``).

Visit frequency of the monthly plan (SPEC, "The work cycle", step 3):

- key clients are visited **once a week**;
- the other clients are ranked by their number of open service strategies, most
  first: the **top 20% once a week, the middle 50% twice a month, the bottom 30%
  once a month**;
- a client's tier (or its group's) may ask for more: the tier's minimum frequency is
  never undercut.

Rounding: of ``n`` ranked clients, ``round_half_up(0.2 n)`` are in the top band and
``round_half_up(0.3 n)`` in the bottom band; the middle band takes the rest, so the
bands always add up to ``n`` (10 clients: 2 / 5 / 3; 1000: 200 / 500 / 300;
1 client: 0 / 1 / 0, so a lone client is visited twice a month).

Ties: clients with the same number of strategies are ordered by their tier (the
more valuable first), then by how overdue their next visit is (the longest overdue
first), then by client code. The order is therefore total and repeatable, and the
bands keep their exact sizes; the tier minimum then lifts whoever needs it.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from clients.rules import stricter_frequency

WEEKLY, TWICE_MONTHLY, MONTHLY = "weekly", "twice_monthly", "monthly"
TOP_SHARE = 0.2
BOTTOM_SHARE = 0.3


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def band_sizes(count: int) -> tuple[int, int, int]:
    """(weekly, twice a month, monthly) band sizes for ``count`` ranked clients."""
    top = round_half_up(count * TOP_SHARE)
    bottom = round_half_up(count * BOTTOM_SHARE)
    return top, count - top - bottom, bottom


@dataclass(frozen=True)
class Candidate:
    client_id: int
    code: str
    is_key: bool
    open_strategies: int
    tier_rank: int  # 1 is the most valuable
    tier_min_frequency: str
    overdue_days: int = 0  # days past the next visit due; 0 when not overdue


def propose_frequencies(candidates: Iterable[Candidate]) -> dict[int, str]:
    """Each client's visit frequency for the month, by the rule above."""
    candidates = list(candidates)
    proposed: dict[int, str] = {}
    ranked = sorted(
        (c for c in candidates if not c.is_key),
        key=lambda c: (-c.open_strategies, c.tier_rank, -c.overdue_days, c.code),
    )
    top, middle, _bottom = band_sizes(len(ranked))
    for position, candidate in enumerate(ranked):
        if position < top:
            proposed[candidate.client_id] = WEEKLY
        elif position < top + middle:
            proposed[candidate.client_id] = TWICE_MONTHLY
        else:
            proposed[candidate.client_id] = MONTHLY
    for candidate in candidates:
        if candidate.is_key:
            proposed[candidate.client_id] = WEEKLY
        proposed[candidate.client_id] = stricter_frequency(proposed[candidate.client_id], candidate.tier_min_frequency)
    return proposed


# --- months and working days -----------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the current time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """The month of ``day`` as an aware [start, end) range, for filtering timestamps."""
    return day_start(month_start(day)), day_start(next_month(day))


def visits_in_range(frequency: str, days: Sequence[date], *, month_days: int | None = None) -> int:
    """How many visits a frequency asks for over these working days: whole months' working
    days (as ``windows`` cuts them), or part of months that have ``month_days`` working
    days in all (the working-day calendar, workdays.selectors, knows which days those are)."""
    if not days:
        return 0
    if frequency == WEEKLY:
        return len(windows(WEEKLY, days))
    month_days = month_days or len(days)
    per_month = {TWICE_MONTHLY: 2, MONTHLY: 1}.get(frequency, 0)
    months = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month + 1
    # A part of a month gets its share of that month's visits, at least one.
    return max(1, round_half_up(per_month * months * len(days) / month_days)) if per_month else 0


# A week at the month's edge with fewer working days than this is not a week of its own.
SHORT_WEEK = 2


def windows(frequency: str, days: Sequence[date]) -> list[list[date]]:
    """The working days split into one window per visit: a week per weekly visit,
    otherwise equal runs of consecutive working days."""
    if frequency == WEEKLY:
        weeks: dict[tuple[int, int], list[date]] = {}
        for day in days:
            weeks.setdefault(day.isocalendar()[:2], []).append(day)
        runs = list(weeks.values())
        # A week cut short by the month's start or end (e.g. a month starting on a Friday)
        # joins its neighbour: otherwise every weekly client would be due on that one day.
        if len(runs) > 1 and len(runs[0]) < SHORT_WEEK:
            first = runs.pop(0)
            runs[0] = first + runs[0]
        if len(runs) > 1 and len(runs[-1]) < SHORT_WEEK:
            runs[-2] = runs[-2] + runs.pop()
        return runs
    count = visits_in_range(frequency, days)
    return [list(days[len(days) * i // count : len(days) * (i + 1) // count]) for i in range(count)]


def spread_visits(
    wanted: Sequence[tuple[int, str]],
    days: Sequence[date],
    existing: dict[int, set[date]],
    load: dict[date, int],
    *,
    allowed: set[date] | None = None,
    blocked: dict[int, set[date]] | None = None,
) -> list[tuple[int, date]]:
    """Place each client's visits, one per window, on the least-loaded working day.

    ``days`` are the month's working days (windows are always cut from the whole
    month, so a run in the middle of the month sees the same windows as one at its
    start). ``wanted`` is (client id, frequency) in a stable order; ``existing`` the
    dates a client already has a visit on (manual or generated) and ``load`` the
    visits per day so far, both updated in place. A window in which the client
    already has a visit gets no new one, so running this twice adds nothing. New
    visits only go on ``allowed`` days (default: all) and never on a client's
    ``blocked`` days (e.g. a visit that was cancelled).
    """
    placed: list[tuple[int, date]] = []
    blocked = blocked or {}
    for client_id, frequency in wanted:
        taken = existing.setdefault(client_id, set())
        refused = blocked.get(client_id, set())
        for window in windows(frequency, days):
            if not window or taken.intersection(window):
                continue
            candidates = [d for d in window if (allowed is None or d in allowed) and d not in refused]
            if not candidates:
                continue
            day = min(candidates, key=lambda d: (load.get(d, 0), d))
            placed.append((client_id, day))
            taken.add(day)
            load[day] = load.get(day, 0) + 1
    return placed


# --- the visit type a planned visit gets from its reason --------------------------------------


@dataclass(frozen=True)
class VisitReasons:
    """What is known of a client when its visit is planned (visits.selectors.visit_reasons)."""

    tending_to_leave: bool = False  # an active early warning (performance.ClientWarning)
    return_visit_due: bool = False  # a complaint's return visit (回访) not yet done
    key_client: bool = False  # a VIP tier, or a key client of the month's approved plan
    new_client: bool = False  # created in the month of the visit


def default_visit_type_code(reasons: VisitReasons) -> str:
    """The visit type's code a planned visit gets by default (the manager may change it).

    The most pressing reason wins: a client tending to leave must be visited to be kept
    (离网必访, seed 000), before a complaint's return visit, before the attention a key
    client gets, before a new client's first visits; anything else is a routine visit.
    Product promotion is never a default: the manager chooses it.
    """
    if reasons.tending_to_leave:
        return "retention"
    if reasons.return_visit_due:
        return "complaint_follow_up"
    if reasons.key_client:
        return "key_client"
    if reasons.new_client:
        return "new_client"
    return "routine"
