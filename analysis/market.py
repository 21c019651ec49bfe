"""Step 6 of the analysis (SPEC "Analysis"): the market analysis of a manager's book and of a
team for the analysed month, the clients behind an abnormal indicator, and next month's
market targets. Writes only; keyword-only and atomic. Figures are aggregated in the
database (selectors), so a book of any size costs the same few queries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from visits import rules as month_rules

from . import rules, selectors
from .brand import may_name_focus_products, month_analysis_for
from .models import BusinessFigure, IndicatorResult, MarketIndicator, MarketTarget, MonthAnalysis, ProblemClient

# How many clients an abnormal volume indicator names: the largest falls, enough to visit.
TOP_FALLS = 10
ZERO = Decimal(0)


def _decimal_sum(field: str, when: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=when), Value(ZERO), output_field=DecimalField())


def largest_falls(figures: QuerySet[BusinessFigure], month: date, measure: str) -> list[tuple[int, Decimal, Decimal]]:
    """The clients whose ``measure`` fell most from the month before to the analysed month:
    (client id, before, now), largest fall first, one grouped query."""
    analysed = selectors.analysed_month(month)
    before = month_rules.previous_month(analysed)
    if measure == "key_brand_quantity":
        figures, measure = figures.filter(product__is_key_brand=True), "quantity"
    if measure == "orders":
        now = Coalesce(Sum("orders", filter=Q(month=analysed)), Value(0), output_field=IntegerField())
        then = Coalesce(Sum("orders", filter=Q(month=before)), Value(0), output_field=IntegerField())
    else:
        now, then = _decimal_sum(measure, Q(month=analysed)), _decimal_sum(measure, Q(month=before))
    rows = (
        figures.filter(month__in=[analysed, before])
        .values("client_id")
        .annotate(now=now, then=then)
        .annotate(fall=F("then") - F("now"))
        .filter(fall__gt=0)
        .order_by("-fall", "client_id")[:TOP_FALLS]
    )
    return [(row["client_id"], row["then"], row["now"]) for row in rows]


def lapsed_clients(figures: QuerySet[BusinessFigure], month: date) -> list[tuple[int, Decimal]]:
    """Clients who ordered the month before but not in the analysed month (the largest
    buyers first, at most TOP_FALLS), one grouped query."""
    analysed = selectors.analysed_month(month)
    before = month_rules.previous_month(analysed)
    rows = (
        figures.filter(month__in=[analysed, before])
        .values("client_id")
        .annotate(
            now=Coalesce(Sum("orders", filter=Q(month=analysed)), Value(0), output_field=IntegerField()),
            then=Coalesce(Sum("orders", filter=Q(month=before)), Value(0), output_field=IntegerField()),
            bought=_decimal_sum("quantity", Q(month=before)),
        )
        .filter(then__gt=0, now=0)
        .order_by("-bought", "client_id")[:TOP_FALLS]
    )
    return [(row["client_id"], row["bought"]) for row in rows]


def _n(value) -> str:
    return f"{Decimal(value).normalize():f}"


def _problem_clients(figures, month, code: str, result: IndicatorResult) -> dict[int, str]:
    label = selectors.rate_label(code)
    if code == MarketIndicator.ACTIVE_CLIENTS:
        return {
            client_id: _("Ordered in %(before)s but not in %(month)s (%(indicator)s abnormal)")
            % {
                "before": f"{month_rules.previous_month(result.month):%Y-%m}",
                "month": f"{result.month:%Y-%m}",
                "indicator": label,
            }
            for client_id, _bought in lapsed_clients(figures, month)
        }
    measure = {
        MarketIndicator.QUANTITY: "quantity",
        MarketIndicator.AMOUNT: "amount",
        MarketIndicator.KEY_BRAND_QUANTITY: "key_brand_quantity",
        MarketIndicator.KEY_BRAND_GROWTH: "key_brand_quantity",
        MarketIndicator.ORDERS_PER_CLIENT: "orders",
    }.get(code)
    if measure is None:
        return {}  # average price: a mix of products, no client to name on its own
    measure_label = {
        "quantity": _("Quantity"),
        "amount": _("Amount"),
        "key_brand_quantity": _("Key-brand quantity"),
        "orders": _("Orders"),
    }[measure]
    return {
        client_id: (
            _("%(measure)s fell from %(before)s to %(now)s (%(indicator)s abnormal)")
            % {"measure": measure_label, "before": _n(then), "now": _n(now), "indicator": label}
        )[:300]
        for client_id, then, now in largest_falls(figures, month, measure)
    }


def _results(*, kind_owner: User | None, team: Team, month: date, actuals, targets) -> list[IndicatorResult]:
    analysed = selectors.analysed_month(month)
    return [
        IndicatorResult(
            kind=IndicatorResult.Kind.MARKET,
            team=team,
            owner=kind_owner,
            month=analysed,
            code=code,
            target=targets.get(code),
            actual=actual,
            abnormal=rules.is_abnormal(targets.get(code), actual),
        )
        for code, actual in actuals.items()
    ]


@transaction.atomic
def analyse_market(*, owner: User, month: date) -> list[IndicatorResult]:
    """Step 6 for a manager's book: the analysed month's indicators against its targets,
    stored; the clients behind each abnormal indicator become problem clients of ``month``."""
    if owner.team_id is None:
        raise ValidationError(_("You belong to no team: ask an admin to add you to one."))
    month_analysis_for(owner, month)
    figures = BusinessFigure.objects.of_manager(owner)
    current, previous = selectors.market_figures(figures, month)
    targets = selectors.market_targets(team=None, owner=owner, month=selectors.analysed_month(month))
    ProblemClient.objects.of_manager(owner).filter(month=month, source__startswith="market:").delete()
    IndicatorResult.objects.of_manager(owner).filter(
        kind=IndicatorResult.Kind.MARKET, month=selectors.analysed_month(month)
    ).delete()
    results = _results(
        kind_owner=owner, team=owner.team, month=month, actuals=selectors.market_actuals(current, previous),
        targets=targets,
    )  # fmt: skip
    IndicatorResult.objects.bulk_create(results)
    problems = []
    for result in results:
        if result.abnormal:
            for client_id, reason in _problem_clients(figures, month, result.code, result).items():
                problems.append(
                    ProblemClient(
                        client_id=client_id, month=month, source=f"market:{result.code}", reason=reason,
                        indicator=result,
                    )
                )  # fmt: skip
    ProblemClient.objects.bulk_create(problems)
    return results


@transaction.atomic
def analyse_team_market(*, team: Team, month: date, by: User) -> list[IndicatorResult]:
    """Step 6 for the team (the supervisor's area): stored with no owner. The clients behind
    it are named in each manager's own analysis, whose book they are in."""
    if not may_name_focus_products(by, team):
        raise PermissionDenied(_("Only the team's supervisor or an admin analyses the team's market."))
    analysed = selectors.analysed_month(month)
    current, previous = selectors.market_figures(BusinessFigure.objects.filter(client__team=team), month)
    targets = selectors.market_targets(team=team, owner=None, month=analysed)
    IndicatorResult.objects.filter(
        kind=IndicatorResult.Kind.MARKET, team=team, owner__isnull=True, month=analysed
    ).delete()
    results = _results(
        kind_owner=None, team=team, month=month, actuals=selectors.market_actuals(current, previous), targets=targets
    )
    IndicatorResult.objects.bulk_create(results)
    return results


@transaction.atomic
def set_market_targets(
    *, team: Team, owner: User | None, month: date, values: Mapping[str, Decimal | None], by: User
) -> None:
    """Next month's market targets of a book (``owner``) or of the team (no owner); an empty
    value removes the target. History is kept on each target."""
    if owner is None and not may_name_focus_products(by, team):
        raise PermissionDenied(_("Only the team's supervisor or an admin sets the team's targets."))
    if owner is not None and owner.pk != by.pk:
        raise PermissionDenied(_("Only the account manager sets their own targets."))
    rows = MarketTarget.objects.select_for_update().filter(month=month)
    rows = rows.filter(owner=owner) if owner is not None else rows.filter(team=team, owner__isnull=True)
    existing = {t.indicator: t for t in rows}
    for code in MarketIndicator.values:
        value, target = values.get(code), existing.get(code)
        if value is None:
            if target is not None:
                target.delete()
        elif target is None:
            MarketTarget.objects.create(team=team, owner=owner, month=month, indicator=code, value=value)
        elif target.value != value:
            target.value = value
            target.save()


@transaction.atomic
def conclude_market_analysis(*, owner: User, month: date, problems: str, focus: str) -> MonthAnalysis:
    """The manager's conclusions of step 6; the step is done once they are written."""
    analysis = month_analysis_for(owner, month)
    analysis.market_problems, analysis.market_focus = problems, focus
    analysis.market_analysed_at = timezone.now()
    analysis.save()
    return analysis
