"""Business figures against the market targets, for the weekly summary (step 13), the
monthly summary (step 14) and the dashboards' business tab.

Every function reads in a fixed number of queries whatever the number of managers,
clients or figure rows: the figures are read per (manager, month) from their rollups
(``rollups.models.FigureMonth``, a few rows per manager and month, kept by every write of
figures), which hold the market sums (``selectors.MARKET_SUMS``) of the clients of each owner
and team.

A client's figures count for the manager who owns the client now. The indicators are the
market analysis's own (``selectors.market_actuals``): key-brand growth is against the month
before (``selectors.growth_base``); a running month's progress to date is compared with that
month pro rata.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from rollups.selectors import figure_sums_by_owner
from visits.rules import month_end
from workdays.selectors import work_calendar

from . import rules
from .models import BusinessFigure, IndicatorResult, MarketIndicator, MarketTarget, Rate
from .selectors import MARKET_SUMS, MarketFigures, growth_base, market_actuals

ZERO = Decimal(0)
# The market indicators in the order the pages show them.
INDICATORS = [
    MarketIndicator.QUANTITY,
    MarketIndicator.AMOUNT,
    MarketIndicator.AVERAGE_PRICE,
    MarketIndicator.KEY_BRAND_QUANTITY,
    MarketIndicator.KEY_BRAND_GROWTH,
    MarketIndicator.ACTIVE_CLIENTS,
    MarketIndicator.ORDERS_PER_CLIENT,
]
# The three the weekly summary shows (seed 004, step 13).
WEEKLY_INDICATORS = [MarketIndicator.QUANTITY, MarketIndicator.AVERAGE_PRICE, MarketIndicator.KEY_BRAND_GROWTH]
# Indicators that add up over a month (their pace is the target's share of the working days).
CUMULATIVE = {
    MarketIndicator.QUANTITY,
    MarketIndicator.AMOUNT,
    MarketIndicator.KEY_BRAND_QUANTITY,
}

Restrict = Callable[[QuerySet, str], QuerySet]


Figures = MarketFigures  # one book's (or one manager's) figures of one month


def indicator_values(current: Figures, base: Figures, share: Decimal = Decimal(1)) -> dict[str, Decimal | None]:
    """Every market indicator's actual value (``selectors.market_actuals``). ``base`` is the
    figures of ``growth_base(month)``; ``share`` the part of the month the current figures
    cover (1 for a whole month), by which the base's key-brand quantity is scaled."""
    return market_actuals(current, replace(base, key_brand_quantity=base.key_brand_quantity * share))


def _figures(row: dict) -> Figures:
    # Two decimals on every database (SQLite's sums of decimals lose them).
    return Figures(
        quantity=rules.cents(row["sum_quantity"]),
        amount=rules.cents(row["sum_amount"]),
        orders=row["sum_orders"] or 0,
        key_brand_quantity=rules.cents(row["sum_key_brand_quantity"]),
        active_clients=row["sum_active_clients"] or 0,
    )


def figures_by_owner(
    owner_ids: Iterable[int] | None, months: Iterable[date], *, restrict: Restrict | None = None
) -> dict[tuple[int, date], Figures]:
    """``{(owner id, month): Figures}`` in one query (``owner_ids=None``: every owner), from
    the figure rollups (``rollups.models.FigureMonth``: the market sums per month and the
    clients' owner and team, kept by every write of figures). ``restrict(queryset, prefix)``
    narrows the rows to a viewer's scope: the rollup's rows are given with the prefix "",
    and carry the clients' owner and team as the figures reach them through "client__"."""
    rows = figure_sums_by_owner(owner_ids, months, restrict=restrict)
    return {(row["client__owner_id"], row["month"]): _figures(row) for row in rows}


def figures_by_owner_from_figures(
    owner_ids: Iterable[int] | None, months: Iterable[date], *, restrict: Restrict | None = None
) -> dict[tuple[int, date], Figures]:
    """``figures_by_owner`` summed from the figures themselves (millions of rows at scale):
    the reference the rollups are tested and measured against. ``restrict(queryset,
    "client__")`` narrows the rows to a viewer's scope."""
    queryset = BusinessFigure.objects.filter(month__in=list(months))
    if owner_ids is not None:
        queryset = queryset.filter(client__owner_id__in=list(owner_ids))
    if restrict is not None:
        queryset = restrict(queryset, "client__")
    rows = queryset.order_by().values("client__owner_id", "month").annotate(**MARKET_SUMS)
    return {(row["client__owner_id"], row["month"]): _figures(row) for row in rows}


def targets_by_owner(owner_ids: Iterable[int], month: date, queryset: QuerySet | None = None) -> dict:
    """``{(owner id, indicator): value}`` of the managers' market targets of the month (one query)."""
    queryset = MarketTarget.objects.all() if queryset is None else queryset
    rows = queryset.filter(owner_id__in=list(owner_ids), month=month).values_list("owner_id", "indicator", "value")
    return {(owner, indicator): value for owner, indicator, value in rows}


# --- the weekly summary (step 13) --------------------------------------------------------------


@dataclass
class PaceRow:
    indicator: str
    label: str
    target: Decimal | None
    to_date: Decimal | None
    pace: Decimal | None  # where the figure should be by now
    cumulative: bool

    @property
    def behind(self) -> bool:
        """5 % or more behind the pace (the analysis rule, applied to the pace)."""
        return rules.is_abnormal(self.pace, self.to_date)


@dataclass
class MonthPace:
    month: date
    until: date
    elapsed_days: int
    month_days: int
    rows: list[PaceRow] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return any(row.target is not None for row in self.rows)


def month_pace(owners: Iterable[int], month: date, until: date, *, viewer=None) -> MonthPace:
    """The month's targets of quantity, average price per unit and key-brand growth for a
    book (one or more managers), the progress to date and the expected pace: for quantity,
    target × working days elapsed ÷ working days of the month; for a ratio (average price,
    growth) the pace is the target itself. Two queries."""
    owners = list(owners)
    end = month_end(month)
    until = min(max(until, month), end)
    calendar = work_calendar()
    month_days = len(calendar.working_days(month, end))
    elapsed = len(calendar.working_days(month, until))
    share = Decimal(elapsed) / month_days if month_days else Decimal(1)
    targets: dict[str, Decimal] = {}
    for (_owner, indicator), value in targets_by_owner(owners, month).items():
        if indicator in WEEKLY_INDICATORS:
            # A book of several managers: quantities add up; a ratio target is their mean.
            targets.setdefault(indicator, []).append(value)
    combined = {
        indicator: sum(values) if indicator in CUMULATIVE else (sum(values) / len(values)).quantize(rules.CENTS)
        for indicator, values in targets.items()
    }
    # Only the figures of clients the viewer may see (a manager's clients of an earlier team
    # stay with that team's supervisor).
    restrict = (lambda queryset, _prefix: queryset.visible_to(viewer)) if viewer is not None else None
    figures = figures_by_owner(owners, [month, growth_base(month)], restrict=restrict)
    current = sum((f for (_o, m), f in figures.items() if m == month), Figures())
    base = sum((f for (_o, m), f in figures.items() if m != month), Figures())
    actual = indicator_values(current, base, share)
    labels = dict(MarketIndicator.choices)
    rows = []
    for indicator in WEEKLY_INDICATORS:
        target = combined.get(indicator)
        cumulative = indicator in CUMULATIVE
        pace = None
        if target is not None:
            pace = (target * share).quantize(rules.CENTS) if cumulative else target
        rows.append(PaceRow(indicator, labels[indicator], target, actual[indicator], pace, cumulative))
    return MonthPace(month, until, elapsed, month_days, rows)


# --- the monthly summary (step 14) -------------------------------------------------------------


def month_indicators(owner_id: int, month: date) -> dict[str, list[IndicatorResult]]:
    """The brand and market analysis of the month (its indicator results: target, actual,
    abnormal) of one manager, in one query."""
    results = (
        IndicatorResult.objects.filter(owner_id=owner_id, month=month)
        .select_related("product")
        .order_by("kind", "product__brand", "product__name", "code")
    )
    grouped: dict[str, list[IndicatorResult]] = {IndicatorResult.Kind.MARKET: [], IndicatorResult.Kind.BRAND: []}
    labels = {**dict(MarketIndicator.choices), **dict(Rate.choices)}
    for result in results:
        result.label = labels.get(result.code, result.code)
        grouped.setdefault(result.kind, []).append(result)
    order = {code: n for n, code in enumerate(INDICATORS)}
    grouped[IndicatorResult.Kind.MARKET].sort(key=lambda r: order.get(r.code, len(order)))
    return grouped


# --- the dashboards' business tab --------------------------------------------------------------


@dataclass
class Cell:
    target: Decimal | None
    actual: Decimal | None

    @property
    def abnormal(self) -> bool:
        return rules.is_abnormal(self.target, self.actual)


@dataclass
class BoardRow:
    owner_id: int | None
    name: str
    cells: dict[str, Cell]

    @property
    def cell_list(self) -> list[Cell]:
        """The cells in the order of INDICATORS (for templates)."""
        return [self.cells[code] for code in INDICATORS]

    @property
    def abnormal_count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.abnormal)


@dataclass
class BusinessBoard:
    month: date
    rows: list[BoardRow]
    total: BoardRow
    indicators: list[tuple[str, str]]


def business_board(
    people: QuerySet,
    month: date,
    *,
    restrict: Restrict | None = None,
    targets: QuerySet | None = None,
    read_figures: Callable = figures_by_owner,
) -> BusinessBoard:
    """Figures against the market targets of the month per manager: three queries (the
    managers, their targets, their figures this month and the month before, from the
    rollups; ``read_figures=figures_by_owner_from_figures`` sums the figures themselves)."""
    managers = list(people.order_by("last_name", "first_name", "username"))
    ids = [m.pk for m in managers]
    target_of = targets_by_owner(ids, month, targets)
    figures = read_figures(ids, [month, growth_base(month)], restrict=restrict)
    rows = []
    total_now, total_base = Figures(), Figures()
    for manager in managers:
        now = figures.get((manager.pk, month), Figures())
        base = figures.get((manager.pk, growth_base(month)), Figures())
        total_now, total_base = total_now + now, total_base + base
        actual = indicator_values(now, base)
        cells = {code: Cell(target_of.get((manager.pk, code)), actual[code]) for code in INDICATORS}
        rows.append(BoardRow(manager.pk, str(manager), cells))
    actual = indicator_values(total_now, total_base)
    # The book's targets add up where the indicator does; a ratio has no summed target.
    totals = {}
    for code in INDICATORS:
        values = [target_of[(pk, code)] for pk in ids if (pk, code) in target_of]
        summed = code in CUMULATIVE or code == MarketIndicator.ACTIVE_CLIENTS
        totals[code] = Cell(sum(values) if values and summed else None, actual[code])
    labels = dict(MarketIndicator.choices)
    return BusinessBoard(month, rows, BoardRow(None, "", totals), [(code, labels[code]) for code in INDICATORS])
