"""Step 2, business state (经营状态分析): the writes.

(a) "Compute business effect" from the analysed month's figures (the month before the
month planned), per client of the manager's book; (b) ability scores, 1–5 on every active
dimension; (c) "Generate strategies": weak effect or low scores give potential-demand
service strategies, proposed through ``visits/proposals.py`` like every other strategy
(``analysis.proposals_state.potential_demand``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import Client
from visits import services as visit_services
from visits.rules import month_start, previous_month

from . import rules
from .models import AbilityDimension, AbilityScore, BusinessEffect, BusinessFigure, MonthAnalysis

ZERO = Decimal(0)
EFFECT_FIELDS = [
    "quantity",
    "amount",
    "average_price",
    "growth_month",
    "growth_year",
    "product_count",
    "key_brand_share",
    "computed_at",
]


def analysed_month(month: date) -> date:
    """The month whose figures a month's analysis reads: the one before it."""
    return previous_month(month_start(month))


def same_month_last_year(month: date) -> date:
    return month.replace(year=month.year - 1, day=1)


def _analysis(owner: User, month: date) -> MonthAnalysis:
    analysis, _created = MonthAnalysis.objects.select_for_update().get_or_create(
        owner=owner, month=month, defaults={"team_id": owner.team_id}
    )
    return analysis


def book(owner: User):
    """The clients a manager analyses: those they plan for (their own, except lost ones)."""
    return visit_services.portfolio(owner)


@transaction.atomic
def compute_business_effect(*, owner: User, month: date) -> int:
    """Compute every client's business effect of the analysed month and store it (upsert).

    From the figures: amount, quantity, average price per unit (amount ÷ quantity), growth
    on the month before and on the same month last year (``rules.growth``: none when there
    was nothing then), number of products, key-brand share (key-brand quantity ÷
    quantity). A client without figures this month gets zeros. One aggregate query
    (GROUP BY client and month over the three months) and one bulk upsert, whatever the
    size of the book. Returns the number of clients.
    """
    month = month_start(month)
    analysed = analysed_month(month)
    before, last_year = previous_month(analysed), same_month_last_year(analysed)
    client_ids = list(book(owner).order_by().values_list("pk", flat=True))
    totals: dict[tuple[int, date], dict] = {}
    figures = (
        BusinessFigure.objects.filter(client__in=client_ids, month__in=[analysed, before, last_year])
        .values("client_id", "month")
        .annotate(
            q=Sum("quantity"),
            a=Sum("amount"),
            products=Count("product", distinct=True, filter=Q(quantity__gt=0)),
            key_q=Sum(
                Case(
                    When(product__is_key_brand=True, then=F("quantity")),
                    default=Value(ZERO),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
        )
        .order_by()
    )
    for row in figures:
        totals[(row["client_id"], row["month"])] = row
    now, effects = timezone.now(), []
    for client_id in client_ids:
        this = totals.get((client_id, analysed), {})
        quantity, amount = this.get("q") or ZERO, this.get("a") or ZERO
        effects.append(
            BusinessEffect(
                client_id=client_id,
                month=analysed,
                quantity=quantity,
                amount=amount,
                average_price=rules.average_price(amount, quantity),
                growth_month=rules.growth(quantity, (totals.get((client_id, before)) or {}).get("q") or ZERO),
                growth_year=rules.growth(quantity, (totals.get((client_id, last_year)) or {}).get("q") or ZERO),
                product_count=this.get("products") or 0,
                key_brand_share=rules.percent(this.get("key_q") or ZERO, quantity),
                computed_at=now,
            )
        )
    BusinessEffect.objects.bulk_create(
        effects,
        # One statement for a book of up to 5,000 clients (10 columns a row stays under
        # PostgreSQL's 65,535 parameters), so the run costs the same queries at any scale.
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["client", "month"],
        update_fields=EFFECT_FIELDS,
    )
    analysis = _analysis(owner, month)
    analysis.effect_computed_at = now
    analysis.save(update_fields=["effect_computed_at"])
    return len(effects)


@transaction.atomic
def score_client(*, by: User, client: Client, month: date, scores: dict[int, int | None]) -> int:
    """The manager's scores of a client's business ability for the month planned, 1–5 on
    each active dimension (``scores``: dimension id → score; None leaves it unscored).

    Each month keeps its own scores, and every change is in the history. Only the client's
    own manager scores. Returns the number of scores saved.
    """
    month = month_start(month)
    if not Client.objects.of_manager(by).filter(pk=client.pk).exists():
        raise PermissionDenied(_("Only the client's account manager scores it."))
    dimensions = {d.pk: d for d in AbilityDimension.objects.filter(is_active=True)}
    errors = {}
    for dimension_id, score in scores.items():
        if dimension_id in dimensions and score is not None and not 1 <= score <= 5:
            errors[f"dimension_{dimension_id}"] = _("A score is from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    existing = {s.dimension_id: s for s in AbilityScore.objects.filter(client=client, month=month)}
    saved = 0
    for dimension_id, score in scores.items():
        if dimension_id not in dimensions or score is None:
            continue
        row = existing.get(dimension_id)
        if row is None:
            AbilityScore.objects.create(
                client=client, dimension_id=dimension_id, month=month, score=score, scored_by=by
            )
        elif row.score != score:
            row.score, row.scored_by = score, by
            row.save()
        else:
            continue
        saved += 1
    return saved


@transaction.atomic
def generate_potential_strategies(*, owner: User, month: date) -> int:
    """Step 2 (c): weak effect or low scores give potential-demand strategies for the
    month planned (the rules are ``analysis.proposals_state.potential_demand``'s).

    The business effect must have been computed. The strategies are proposed through the
    one path every proposal takes (``visits.services.propose_strategies``), so generating
    twice adds nothing and the monthly plan shows them with the others. Returns the number
    of potential-demand strategies of the month for the book.
    """
    from visits.models import ServiceStrategy

    month = month_start(month)
    analysis = _analysis(owner, month)
    if analysis.effect_computed_at is None:
        raise ValidationError(_("Compute the business effect first."))
    if analysis.strategies_generated_at is None:
        analysis.strategies_generated_at = timezone.now()
        analysis.save(update_fields=["strategies_generated_at"])
    clients = list(book(owner))
    visit_services.propose_strategies(clients, month)
    return ServiceStrategy.objects.filter(
        client__in=[c.pk for c in clients], month=month, source__startswith="potential:"
    ).count()


def low_scores(client_ids, month: date, threshold: int) -> dict[int, list[AbilityScore]]:
    """The month's scores at or below the threshold, per client (active dimensions)."""
    found = defaultdict(list)
    rows = (
        AbilityScore.objects.filter(client__in=client_ids, month=month, score__lte=threshold, dimension__is_active=True)
        .select_related("dimension")
        .order_by("client_id", "dimension__position", "dimension__name")
    )
    for row in rows:
        found[row.client_id].append(row)
    return found
