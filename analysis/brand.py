"""Steps 3–5 of the analysis (SPEC "Analysis"): focus products, brand targets, target
clients and the monthly brand analysis. Writes only; keyword-only and atomic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from clients.models import Client

from . import rules, selectors
from .models import (
    BrandTarget,
    BusinessFigure,
    Demand,
    FocusProduct,
    IndicatorResult,
    MonthAnalysis,
    ProblemClient,
    Product,
    Rate,
    TargetClient,
)

RATES = [Rate.STOCKING, Rate.ACTIVE, Rate.REPURCHASE, Rate.FULFILMENT]
MAX_TARGET_MONTHS = 12


def may_name_focus_products(user: User, team: Team) -> bool:
    """The team's supervisor (the market manager) or an admin names the focus products."""
    return user.is_crm_admin or (user.is_supervisor and team.supervisor_id == user.pk)


@transaction.atomic
def set_focus_products(*, team: Team, month: date, products: Iterable[Product], by: User) -> None:
    """The team's focus products of a month become exactly ``products`` (history kept)."""
    if not may_name_focus_products(by, team):
        raise PermissionDenied(_("Only the team's supervisor or an admin names the focus products."))
    wanted = {product.pk for product in products}
    current = {f.product_id: f for f in FocusProduct.objects.select_for_update().filter(team=team, month=month)}
    for product_id, focus in current.items():
        if product_id not in wanted:
            focus.delete()
    for product_id in wanted - set(current):
        FocusProduct.objects.create(team=team, month=month, product_id=product_id, set_by=by)


@transaction.atomic
def set_brand_targets(
    *, owner: User, first_month: date, last_month: date, targets: Mapping[int, Mapping[str, Decimal | None]]
) -> int:
    """The four rates' targets of focus products for every month from ``first_month`` to
    ``last_month``. A product gets a target only in the months it is a focus product of the
    manager's team (SPEC: a manager's brand targets stay within them). Returns the number of
    targets written; each change is kept in the target's history."""
    if last_month < first_month:
        raise ValidationError({"until": _("The last month comes before the first.")})
    months = selectors.months_between(first_month, last_month)
    if len(months) > MAX_TARGET_MONTHS:
        raise ValidationError({"until": _("Set targets for at most 12 months at once.")})
    focus = set(FocusProduct.objects.filter(team_id=owner.team_id, month__in=months).values_list("month", "product_id"))
    existing = {
        (t.month, t.product_id): t
        for t in BrandTarget.objects.of_manager(owner).select_for_update().filter(month__in=months)
    }
    written = 0
    for month in months:
        for product_id, rates in targets.items():
            if (month, product_id) not in focus:
                continue
            target = existing.get((month, product_id)) or BrandTarget(
                owner=owner, team_id=owner.team_id, product_id=product_id, month=month
            )
            values = {rate: rates.get(rate) for rate in RATES}
            if target.pk and all(getattr(target, rate) == value for rate, value in values.items()):
                continue  # unchanged: no history row
            for rate, value in values.items():
                setattr(target, rate, value)
            target.save()
            written += 1
    return written


@transaction.atomic
def choose_target_clients(*, owner: User, product: Product, month: date, clients: Iterable[Client]) -> int:
    """The clients the stocking rate of ``product`` counts in ``month`` become exactly
    ``clients``, which must be the manager's own. Returns how many there are."""
    if not FocusProduct.objects.filter(team_id=owner.team_id, month=month, product=product).exists():
        message = _("%(product)s is not a focus product of your team in that month.")
        raise ValidationError(message % {"product": product})
    wanted = {client.pk for client in clients}
    own = set(selectors.own_clients(owner).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - own:
        raise ValidationError(_("Target clients must be your own clients."))
    rows = TargetClient.objects.filter(owner=owner, product=product, month=month)
    rows.exclude(client_id__in=wanted).delete()
    have = set(rows.values_list("client_id", flat=True))
    TargetClient.objects.bulk_create(
        [TargetClient(owner=owner, client_id=pk, product=product, month=month) for pk in sorted(wanted - have)]
    )
    return len(wanted)


def month_analysis_for(owner: User, month: date) -> MonthAnalysis:
    analysis, _created = MonthAnalysis.objects.select_for_update().get_or_create(
        owner=owner, month=month, defaults={"team_id": owner.team_id}
    )
    return analysis


# --- step 5: the monthly brand analysis -----------------------------------------------------


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _reason(rate: str, product: Product, actual, target) -> str:
    numbers = {"product": product.name, "actual": _pct(actual), "target": _pct(target)}
    if rate == Rate.STOCKING:
        text = _("Did not stock %(product)s (stocking rate %(actual)s %% against %(target)s %%)")
    elif rate == Rate.ACTIVE:
        text = _("Stopped ordering %(product)s (active rate %(actual)s %% against %(target)s %%)")
    elif rate == Rate.REPURCHASE:
        text = _("Ordered %(product)s only once (repurchase rate %(actual)s %% against %(target)s %%)")
    else:
        text = _("Got less %(product)s than asked for (fulfilment rate %(actual)s %% against %(target)s %%)")
    return (text % numbers)[:300]


@transaction.atomic
def analyse_brands(*, owner: User, month: date) -> list[IndicatorResult]:
    """Step 5 for the month before ``month``: each focus product with targets gets its four
    rates (analysis.rules) against the targets, stored as indicator results; the target
    clients behind an abnormal rate become problem clients of ``month``, with the reason.

    Six queries whatever the book's size: targets, target clients, the analysed month's and
    the month before's figures of the targeted products, confirmed demand, and the writes.
    """
    analysed = selectors.analysed_month(month)
    before = selectors.analysed_month(analysed)
    month_analysis_for(owner, month)
    targets = list(BrandTarget.objects.of_manager(owner).filter(month=analysed).select_related("product"))
    product_ids = [t.product_id for t in targets]

    target_clients: dict[int, set[int]] = defaultdict(set)
    for product_id, client_id in (
        TargetClient.objects.of_manager(owner)
        .filter(owner=owner, month=analysed, product_id__in=product_ids)
        .values_list("product_id", "client_id")
    ):
        target_clients[product_id].add(client_id)

    ordered: dict[int, set[int]] = defaultdict(set)
    orders: dict[int, dict[int, int]] = defaultdict(dict)
    supplied: dict[tuple[int, int], Decimal] = {}
    for product_id, client_id, count, quantity in (
        BusinessFigure.objects.of_manager(owner)
        .filter(month=analysed, product_id__in=product_ids)
        .values_list("product_id", "client_id", "orders", "quantity")
    ):
        supplied[(product_id, client_id)] = quantity
        if count > 0:
            ordered[product_id].add(client_id)
            orders[product_id][client_id] = count

    ordered_before: dict[int, set[int]] = defaultdict(set)
    for product_id, client_id in (
        BusinessFigure.objects.of_manager(owner)
        .filter(month=before, product_id__in=product_ids, orders__gt=0)
        .values_list("product_id", "client_id")
    ):
        ordered_before[product_id].add(client_id)

    demanded: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for product_id, client_id, quantity in (
        Demand.objects.of_manager(owner)
        .filter(month=analysed, product_id__in=product_ids, confirmed_at__isnull=False)
        .values_list("product_id", "client_id", "quantity")
    ):
        demanded[product_id][client_id] = quantity

    ProblemClient.objects.of_manager(owner).filter(month=month, source__startswith="brand:").delete()
    IndicatorResult.objects.of_manager(owner).filter(kind=IndicatorResult.Kind.BRAND, month=analysed).delete()
    results, problems = [], {}
    for target in targets:
        pid, product = target.product_id, target.product
        demand = demanded[pid]
        actuals = {
            Rate.STOCKING: rules.stocking_rate(target_clients[pid], ordered[pid]),
            Rate.ACTIVE: rules.active_rate(ordered_before[pid], ordered[pid]),
            Rate.REPURCHASE: rules.repurchase_rate(orders[pid]),
            Rate.FULFILMENT: rules.fulfilment_rate(
                sum((supplied.get((pid, c), Decimal(0)) for c in demand), Decimal(0)), sum(demand.values(), Decimal(0))
            ),
        }
        behind = {
            Rate.STOCKING: target_clients[pid] - ordered[pid],
            Rate.ACTIVE: ordered_before[pid] - ordered[pid],
            Rate.REPURCHASE: {c for c, n in orders[pid].items() if n == 1},
            Rate.FULFILMENT: {c for c, q in demand.items() if supplied.get((pid, c), Decimal(0)) < q},
        }
        for rate in RATES:
            goal, actual = getattr(target, rate), actuals[rate]
            if goal is None:
                continue  # no target for this rate: nothing to judge
            result = IndicatorResult(
                kind=IndicatorResult.Kind.BRAND,
                team_id=owner.team_id or target.team_id,
                owner=owner,
                month=analysed,
                product=product,
                code=rate,
                target=goal,
                actual=actual,
                abnormal=rules.is_abnormal(goal, actual),
            )
            results.append(result)
            if result.abnormal:
                for client_id in behind[rate]:
                    source = f"brand:{product.code}:{rate}"
                    problems[(client_id, source)] = (result, _reason(rate, product, actual, goal))
    if results and not all(r.team_id for r in results):
        raise ValidationError(_("You belong to no team: ask an admin to add you to one."))
    IndicatorResult.objects.bulk_create(results)
    ProblemClient.objects.bulk_create(
        [
            ProblemClient(client_id=client_id, month=month, source=source, reason=reason, indicator=result)
            for (client_id, source), (result, reason) in problems.items()
        ]
    )
    return results


@transaction.atomic
def conclude_brand_analysis(*, owner: User, month: date, problems: str, focus: str) -> MonthAnalysis:
    """The manager's conclusions of step 5; the step is done once they are written."""
    analysis = month_analysis_for(owner, month)
    analysis.brand_problems, analysis.brand_focus = problems, focus
    analysis.brand_analysed_at = timezone.now()
    analysis.save()
    return analysis
