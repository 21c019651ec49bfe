"""Steps 1–2 of the analysis: the reads (scoped on the querysets, fixed query counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum

from accounts.models import User
from accounts.scoping import Scope, scope_paths_of
from clients.models import Client
from visits.models import ServiceStrategy

from . import rules
from .effect import analysed_month
from .models import AbilityDimension, AbilityScore, BusinessEffect, Demand, MonthAnalysis

EFFECT_SORTS = {
    "client": ("client__name", "pk"),
    "growth": (F("growth_month").asc(nulls_last=True), "client__name"),
    "-growth": (F("growth_month").desc(nulls_last=True), "client__name"),
    "amount": ("-amount", "client__name"),
}


def _mine_or_scope(queryset: QuerySet, scope: Scope, owner: User | None) -> QuerySet:
    """One manager's rows (``owner``, already checked to be in the scope) or all the scope's;
    always within the viewer's scope (a manager who changed teams keeps clients the new
    supervisor does not see)."""
    queryset = queryset.visible_to(scope)
    return queryset.of_manager(owner) if owner is not None else queryset


# --- step 1 -------------------------------------------------------------------------------------


def demands(scope: Scope, *, month: date, owner: User | None = None) -> QuerySet[Demand]:
    return (
        _mine_or_scope(Demand.objects.all(), scope, owner)
        .filter(month=month)
        .select_related("client", "client__owner", "product", "confirmed_by")
        .order_by("confirmed_at", "client__name", "product__name", "pk")
    )


def demand_counts(scope: Scope, *, month: date, owner: User | None = None) -> dict:
    return (
        _mine_or_scope(Demand.objects.all(), scope, owner)
        .filter(month=month)
        .aggregate(total=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)))
    )


def month_analysis(owner: User, month: date) -> MonthAnalysis | None:
    return MonthAnalysis.objects.of_manager(owner).filter(month=month).first()


# --- step 2 -------------------------------------------------------------------------------------


def effects(scope: Scope, *, month: date, owner: User | None = None, sort: str = "client") -> QuerySet:
    """The business effects of the month *planned* (rows of the analysed month)."""
    return (
        _mine_or_scope(BusinessEffect.objects.all(), scope, owner)
        .filter(month=analysed_month(month))
        .select_related("client", "client__owner")
        .order_by(*EFFECT_SORTS.get(sort, EFFECT_SORTS["client"]))
    )


def active_dimensions() -> list[AbilityDimension]:
    return list(AbilityDimension.objects.filter(is_active=True))


def scored_clients(scope: Scope, *, owner: User | None = None) -> QuerySet[Client]:
    queryset = Client.objects.visible_to(scope)
    if owner is not None:
        queryset = queryset.of_manager(owner)
    return queryset.exclude(status=Client.Status.LOST).select_related("owner").order_by("name", "pk")


def scores_by_client(client_ids, month: date) -> dict[int, dict[int, int]]:
    """Client id → {dimension id: score} of the month, for a page of clients (one query)."""
    found: dict[int, dict[int, int]] = {}
    for row in AbilityScore.objects.filter(client__in=client_ids, month=month).values(
        "client_id", "dimension_id", "score"
    ):
        found.setdefault(row["client_id"], {})[row["dimension_id"]] = row["score"]
    return found


def score_history(client: Client, *, months: int = 12) -> list[tuple[date, dict[int, int]]]:
    """A client's scores month by month, the latest first (the last ``months`` months scored)."""
    by_month: dict[date, dict[int, int]] = {}
    for row in AbilityScore.objects.filter(client=client).values("month", "dimension_id", "score").order_by("-month"):
        by_month.setdefault(row["month"], {})[row["dimension_id"]] = row["score"]
    return list(by_month.items())[:months]


def score_changes(client: Client, *, limit: int = 20):
    """Every change of the client's scores (the history table), the latest first."""
    return (
        AbilityScore.history.filter(client_id=client.pk)
        .select_related("history_user", "dimension")
        .order_by("-history_date")[:limit]
    )


# --- area statistics (片区统计) ----------------------------------------------------------------


@dataclass
class AreaRow:
    owner: User | None  # None: the total of the rows above
    clients: int
    amount: Decimal
    quantity: Decimal
    average_price: Decimal | None
    average_growth: Decimal | None
    key_brand_share: Decimal | None
    direct_strategies: int
    potential_strategies: int


def area_statistics(scope: Scope, *, month: date, owners: list[User]) -> tuple[list[AreaRow], list[User]]:
    """Per manager (of ``owners``, already in the scope) whose month's strategies are
    generated, and their total: clients, amount, quantity, average price per unit, average
    growth on the month before, key-brand share, strategies generated. Managers who have not
    generated yet are returned apart. Four queries, whatever the number of managers."""
    generated = set(
        MonthAnalysis.objects.filter(
            owner__in=[o.pk for o in owners], month=month, strategies_generated_at__isnull=False
        ).values_list("owner_id", flat=True)
    )
    ready = [o for o in owners if o.pk in generated]
    waiting = [o for o in owners if o.pk not in generated]
    if not ready:
        return [], waiting
    owner_path = scope_paths_of(BusinessEffect).owner
    key_quantity = ExpressionWrapper(
        F("quantity") * F("key_brand_share") / 100, output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    figures = {
        row["owner"]: row
        for row in BusinessEffect.objects.visible_to(scope)
        .filter(**{f"{owner_path}__in": [o.pk for o in ready]}, month=analysed_month(month))
        .values(owner=F(owner_path))
        .annotate(
            clients=Count("pk"),
            total_amount=Sum("amount"),
            total_quantity=Sum("quantity"),
            growth=Avg("growth_month"),
            growth_n=Count("growth_month"),
            key=Sum(key_quantity, filter=Q(key_brand_share__isnull=False)),
        )
        .order_by()
    }
    strategy_owner = scope_paths_of(ServiceStrategy).owner
    strategies = {
        row["owner"]: row
        for row in ServiceStrategy.objects.visible_to(scope)
        .filter(**{f"{strategy_owner}__in": [o.pk for o in ready]}, month=month)
        .values(owner=F(strategy_owner))
        .annotate(
            direct=Count("pk", filter=Q(source__startswith="demand:")),
            potential=Count("pk", filter=Q(source__startswith="potential:")),
        )
        .order_by()
    }
    rows = [_area_row(owner, figures.get(owner.pk, {}), strategies.get(owner.pk, {})) for owner in ready]
    if len(rows) > 1:
        rows.append(_total(rows, figures.values()))
    return rows, waiting


def _area_row(owner, figures: dict, strategies: dict) -> AreaRow:
    quantity, amount = figures.get("total_quantity") or Decimal(0), figures.get("total_amount") or Decimal(0)
    growth = figures.get("growth")
    return AreaRow(
        owner=owner,
        clients=figures.get("clients") or 0,
        amount=amount,
        quantity=quantity,
        average_price=rules.average_price(amount, quantity),
        average_growth=None if growth is None else Decimal(growth).quantize(rules.CENTS),
        key_brand_share=rules.percent(figures.get("key") or 0, quantity),
        direct_strategies=strategies.get("direct") or 0,
        potential_strategies=strategies.get("potential") or 0,
    )


def _total(rows: list[AreaRow], figures) -> AreaRow:
    figures = list(figures)
    quantity = sum((r.quantity for r in rows), Decimal(0))
    amount = sum((r.amount for r in rows), Decimal(0))
    clients = sum(r.clients for r in rows)
    # The average growth of all clients: each manager's average weighted by the clients it averaged.
    weighted = [(Decimal(f["growth"]), f["growth_n"]) for f in figures if f.get("growth") is not None]
    growth = None
    if weighted:
        growth = (sum(g * n for g, n in weighted) / sum(n for _g, n in weighted)).quantize(rules.CENTS)
    return AreaRow(
        owner=None,
        clients=clients,
        amount=amount,
        quantity=quantity,
        average_price=rules.average_price(amount, quantity),
        average_growth=growth,
        key_brand_share=rules.percent(sum((Decimal(f.get("key") or 0) for f in figures), Decimal(0)), quantity),
        direct_strategies=sum(r.direct_strategies for r in rows),
        potential_strategies=sum(r.potential_strategies for r in rows),
    )
