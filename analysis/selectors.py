"""Reads of the analysis, steps 3–6 (brand targets, target clients, brand and market analysis)
and the state of a month's analysis. Every read works on whole lists in a fixed number of
queries (figures are aggregated in the database, grouped by month, client or manager).

``month`` is always the month *planned* (``MonthAnalysis.month``); the month *analysed* is
the one before it (``analysed_month``), and growth compares it with the month before that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.scoping import Scope
from clients.models import Client
from visits import rules as month_rules
from visits import selectors as visit_selectors

from . import rules
from .models import (
    BrandTarget,
    BusinessFigure,
    FocusProduct,
    IndicatorResult,
    MarketIndicator,
    MarketTarget,
    MonthAnalysis,
    ProblemClient,
    Product,
    Rate,
    TargetClient,
)

# The day of the month from which the analysis is for the next month: online-ordering
# clients enter their demand by the 25th (SPEC step 1), so the next month's work starts then.
NEXT_MONTH_FROM_DAY = 25
ZERO = Decimal(0)


def default_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    month = month_rules.month_start(today)
    return month_rules.next_month(month) if today.day >= NEXT_MONTH_FROM_DAY else month


def parse_month(text: str | None, default: date | None = None) -> date:
    """``YYYY-MM`` as the first day of that month (the plans' own reading of a month in a
    URL); anything else is the default month."""
    return visit_selectors.parse_month((text or "").strip(), default or default_month())


def analysed_month(month: date) -> date:
    """The month whose figures a plan for ``month`` is analysed from: the month before."""
    return month_rules.previous_month(month)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_rules.month_start(first)
    while month <= last:
        months.append(month)
        month = month_rules.next_month(month)
    return months


# --- focus products, targets and target clients -------------------------------------------


def focus_products(team: Team | None, month: date) -> list[Product]:
    if team is None:
        return []
    return [focus.product for focus in FocusProduct.objects.filter(team=team, month=month).select_related("product")]


def brand_targets(owner: User, month: date) -> dict[int, BrandTarget]:
    return {target.product_id: target for target in BrandTarget.objects.of_manager(owner).filter(month=month)}


def target_client_ids(owner: User, product: Product, month: date) -> set[int]:
    return set(
        TargetClient.objects.of_manager(owner)
        .filter(owner=owner, product=product, month=month)
        .values_list("client_id", flat=True)
    )


def target_client_counts(owner: User, month: date) -> dict[int, int]:
    """Target clients per product of the month (one grouped query)."""
    rows = (
        TargetClient.objects.of_manager(owner)
        .filter(owner=owner, month=month)
        .values("product_id")
        .annotate(n=Count("id"))
    )
    return {row["product_id"]: row["n"] for row in rows}


def own_clients(owner: User) -> QuerySet[Client]:
    """The clients a manager may choose as target clients: their own, lost ones left out."""
    return Client.objects.of_manager(owner).exclude(status=Client.Status.LOST).select_related("tier")


# --- market figures: aggregated in the database -------------------------------------------


@dataclass
class MarketFigures:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    orders: int = 0
    key_brand_quantity: Decimal = ZERO
    active_clients: int = 0

    def __add__(self, other: MarketFigures) -> MarketFigures:
        return MarketFigures(
            quantity=self.quantity + other.quantity,
            amount=self.amount + other.amount,
            orders=self.orders + other.orders,
            key_brand_quantity=self.key_brand_quantity + other.key_brand_quantity,
            active_clients=self.active_clients + other.active_clients,
        )

    @property
    def average_price(self) -> Decimal | None:
        return rules.average_price(self.amount, self.quantity)

    @property
    def orders_per_client(self) -> Decimal | None:
        if not self.active_clients:
            return None
        return (Decimal(self.orders) / self.active_clients).quantize(rules.CENTS)


def growth_base(month: date) -> date:
    """The month a month's key-brand growth is measured against: the month before (step 6,
    the weekly and monthly summaries and the business board alike)."""
    return month_rules.previous_month(month)


MARKET_SUMS = {
    "sum_quantity": Coalesce(Sum("quantity"), Value(ZERO), output_field=DecimalField()),
    "sum_amount": Coalesce(Sum("amount"), Value(ZERO), output_field=DecimalField()),
    "sum_orders": Coalesce(Sum("orders"), Value(0), output_field=IntegerField()),
    "sum_key_brand_quantity": Coalesce(
        Sum("quantity", filter=Q(product__is_key_brand=True)), Value(ZERO), output_field=DecimalField()
    ),
    "sum_active_clients": Count("client_id", distinct=True, filter=Q(orders__gt=0)),
}


def _figures(row: dict) -> MarketFigures:
    return MarketFigures(
        quantity=Decimal(row["sum_quantity"]),
        amount=Decimal(row["sum_amount"]),
        orders=int(row["sum_orders"]),
        key_brand_quantity=Decimal(row["sum_key_brand_quantity"]),
        active_clients=int(row["sum_active_clients"]),
    )


def market_figures(figures: QuerySet[BusinessFigure], month: date) -> tuple[MarketFigures, MarketFigures]:
    """The analysed month's figures of a book (or a team) and the month before's, one query."""
    analysed, before = analysed_month(month), month_rules.previous_month(analysed_month(month))
    rows = figures.filter(month__in=[analysed, before]).values("month").annotate(**MARKET_SUMS).order_by()
    by_month = {row["month"]: _figures(row) for row in rows}
    return by_month.get(analysed, MarketFigures()), by_month.get(before, MarketFigures())


def market_figures_by_manager(team: Team, month: date) -> dict[int, tuple[MarketFigures, MarketFigures]]:
    """Each manager's book in a team, this month and the month before: one grouped query."""
    analysed, before = analysed_month(month), month_rules.previous_month(analysed_month(month))
    rows = (
        BusinessFigure.objects.filter(client__team=team, month__in=[analysed, before])
        .values("client__owner_id", "month")
        .annotate(**MARKET_SUMS)
        .order_by()
    )
    result: dict[int, list[MarketFigures]] = {}
    for row in rows:
        pair = result.setdefault(row["client__owner_id"], [MarketFigures(), MarketFigures()])
        pair[0 if row["month"] == analysed else 1] = _figures(row)
    return {owner_id: (pair[0], pair[1]) for owner_id, pair in result.items()}


def market_actuals(current: MarketFigures, previous: MarketFigures) -> dict[str, Decimal | None]:
    """The seven market indicators (SPEC step 6) of a month, ``previous`` being the figures
    of ``growth_base(month)``: the one definition the analysis, the summaries and the
    business board share. Active clients are those with an order in the month."""
    return {
        MarketIndicator.QUANTITY: current.quantity,
        MarketIndicator.AMOUNT: current.amount,
        MarketIndicator.AVERAGE_PRICE: current.average_price,
        MarketIndicator.KEY_BRAND_QUANTITY: current.key_brand_quantity,
        MarketIndicator.KEY_BRAND_GROWTH: rules.growth(current.key_brand_quantity, previous.key_brand_quantity),
        MarketIndicator.ACTIVE_CLIENTS: Decimal(current.active_clients),
        MarketIndicator.ORDERS_PER_CLIENT: current.orders_per_client,
    }


def market_targets(*, team: Team | None, owner: User | None, month: date) -> dict[str, Decimal]:
    qs = MarketTarget.objects.filter(month=month)
    qs = qs.filter(owner=owner) if owner is not None else qs.filter(team=team, owner__isnull=True)
    return {target.indicator: target.value for target in qs}


# --- stored results -------------------------------------------------------------------------


@dataclass
class ProductRates:
    product: Product
    results: dict[str, IndicatorResult]

    @property
    def abnormal(self) -> bool:
        return any(result.abnormal for result in self.results.values())


def brand_results(owner: User, month: date) -> list[ProductRates]:
    """The stored step-5 results of a manager's analysed month, one row per product."""
    by_product: dict[int, ProductRates] = {}
    results = IndicatorResult.objects.of_manager(owner).filter(
        kind=IndicatorResult.Kind.BRAND, month=analysed_month(month)
    )
    for result in results.select_related("product"):
        by_product.setdefault(result.product_id, ProductRates(result.product, {})).results[result.code] = result
    return list(by_product.values())


def market_results(*, owner: User | None, team: Team | None, month: date) -> dict[str, IndicatorResult]:
    qs = IndicatorResult.objects.filter(kind=IndicatorResult.Kind.MARKET, month=analysed_month(month))
    qs = qs.filter(owner=owner) if owner is not None else qs.filter(team=team, owner__isnull=True)
    return {result.code: result for result in qs}


def problem_clients(owner: User, month: date, prefix: str) -> QuerySet[ProblemClient]:
    return (
        ProblemClient.objects.of_manager(owner)
        .filter(month=month, source__startswith=prefix)
        .select_related("client")
        .order_by("client__name", "source")
    )


def month_analysis(owner: User, month: date) -> MonthAnalysis | None:
    return MonthAnalysis.objects.of_manager(owner).filter(month=month).first()


# --- the six steps --------------------------------------------------------------------------


@dataclass
class Step:
    number: int
    name: str
    done: bool
    url: str | None
    detail: str = ""


def _url(name: str, query: str) -> str | None:
    # Steps 1–2 are built elsewhere in the app; until their pages exist the step is plain text.
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def analysis_steps(owner: User, month: date, *, query: str = "") -> list[Step]:
    """The six analysis steps of a month for a manager, with their state (three queries)."""
    analysis = month_analysis(owner, month)
    targets = BrandTarget.objects.of_manager(owner).filter(month=month).count()
    chosen = TargetClient.objects.of_manager(owner).filter(owner=owner, month=month).count()

    def at(field):
        return getattr(analysis, field, None) if analysis else None

    return [
        Step(1, _("Direct demand"), bool(at("demand_confirmed_at")), _url("analysis:demand", query)),
        Step(
            2,
            _("Business state"),
            bool(at("effect_computed_at") and at("strategies_generated_at")),
            _url("analysis:effect", query),
        ),
        Step(3, _("Brand targets"), targets > 0, _url("analysis:brand_targets", query), str(targets)),
        Step(4, _("Target clients"), chosen > 0, _url("analysis:target_clients", query), str(chosen)),
        Step(5, _("Brand analysis"), bool(at("brand_analysed_at")), _url("analysis:brand", query)),
        Step(6, _("Market analysis"), bool(at("market_analysed_at")), _url("analysis:market", query)),
    ]


# What the plan page warns about: the steps that leave a timestamp on the month's analysis.
PLAN_STEPS = [
    ("demand_confirmed_at", _("demand confirmed")),
    ("effect_computed_at", _("business effect computed")),
    ("strategies_generated_at", _("strategies generated")),
    ("brand_analysed_at", _("brand analysis")),
    ("market_analysed_at", _("market analysis")),
]


def missing_steps(owner_id: int, month: date) -> list[str]:
    """The analysis steps not done yet for a manager's month (one query)."""
    analysis = MonthAnalysis.objects.filter(owner_id=owner_id, month=month).first()
    return [str(label) for field, label in PLAN_STEPS if analysis is None or getattr(analysis, field) is None]


# --- the team page ---------------------------------------------------------------------------


@dataclass
class ManagerRow:
    manager: User
    analysis: MonthAnalysis | None
    abnormal: list[IndicatorResult]
    figures: MarketFigures
    previous: MarketFigures

    @property
    def key_brand_growth(self) -> Decimal | None:
        return rules.growth(self.figures.key_brand_quantity, self.previous.key_brand_quantity)


def team_rows(scope: Scope, team: Team, month: date) -> list[ManagerRow]:
    """Each manager of the team: their analysis, abnormal indicators and book (four queries)."""
    managers = list(scope.users().filter(team=team, role=User.Role.MANAGER, is_active=True).order_by("username"))
    ids = [m.pk for m in managers]
    analyses = {a.owner_id: a for a in MonthAnalysis.objects.filter(owner_id__in=ids, month=month)}
    abnormal: dict[int, list[IndicatorResult]] = {}
    for result in IndicatorResult.objects.filter(
        owner_id__in=ids, month=analysed_month(month), abnormal=True
    ).select_related("product"):
        result.label = rate_label(result.code)
        abnormal.setdefault(result.owner_id, []).append(result)
    figures = market_figures_by_manager(team, month)
    empty = (MarketFigures(), MarketFigures())
    return [ManagerRow(m, analyses.get(m.pk), abnormal.get(m.pk, []), *figures.get(m.pk, empty)) for m in managers]


def rate_label(code: str) -> str:
    return str(dict(Rate.choices).get(code, dict(MarketIndicator.choices).get(code, code)))


# --- the analyses as a whole (API) ------------------------------------------------------------


def analysis_details(analyses: list[MonthAnalysis], viewer: User) -> dict[int, dict]:
    """For each analysis: its stored indicator results (the analysed month's, the manager's
    own) and the problem clients it named for the planned month, as far as ``viewer`` may see
    them. Two queries for a page."""
    details = {analysis.pk: {"indicators": [], "problem_clients": []} for analysis in analyses}
    if not analyses:
        return details
    by_key = {(analysis.owner_id, analysed_month(analysis.month)): analysis.pk for analysis in analyses}
    results = (
        IndicatorResult.objects.visible_to(viewer)
        .filter(owner_id__in={owner for owner, _month in by_key}, month__in={month for _owner, month in by_key})
        .select_related("product")
    )
    for result in results.order_by("kind", "product__code", "code"):
        if (pk := by_key.get((result.owner_id, result.month))) is not None:
            details[pk]["indicators"].append(result)
    by_plan = {(analysis.owner_id, analysis.month): analysis.pk for analysis in analyses}
    problems = (
        ProblemClient.objects.visible_to(viewer)
        .filter(
            client__owner_id__in={owner for owner, _month in by_plan}, month__in={month for _owner, month in by_plan}
        )
        .select_related("client")
    )
    for problem in problems.order_by("client__name", "source"):
        if (pk := by_plan.get((problem.client.owner_id, problem.month))) is not None:
            details[pk]["problem_clients"].append(problem)
    return details
