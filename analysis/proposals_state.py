"""What steps 1–2 of the analysis tell the monthly plan (``visits/proposals.py``):

- confirmed direct demand gives one direct-demand strategy per client and product
  ("Asks for 20 cartons of X"); unconfirmed demand gives none;
- once the manager has generated the month's strategies (step 2 c), weak business effect
  or low ability scores give potential-demand strategies.

Each proposer works on a whole list of clients in a fixed number of queries; the source
keys are stable, so proposing again adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg
from django.utils.translation import gettext as _

from clients.models import Client
from visits.proposals import Proposal, strategy_proposer

from .models import BusinessEffect, Demand, MonthAnalysis


def quantity_text(quantity: Decimal) -> str:
    """20.00 → "20", 2.50 → "2.5"."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@strategy_proposer
def direct_demand(clients: Sequence[Client], month: date) -> list[Proposal]:
    demands = (
        Demand.objects.filter(client__in=[c.pk for c in clients], month=month, confirmed_at__isnull=False)
        .select_related("product")
        .order_by("client_id", "product__name")
    )
    return [
        Proposal(
            demand.client_id,
            f"demand:{demand.product.code}",
            (
                _("Asks for %(quantity)s %(unit)s of %(product)s")
                % {
                    "quantity": quantity_text(demand.quantity),
                    "unit": demand.product.unit,
                    "product": demand.product.name,
                }
            )[:300],
        )
        for demand in demands
    ]


def weak_growth() -> Decimal:
    return Decimal(str(settings.CRM_ANALYSIS_WEAK_GROWTH))


@strategy_proposer
def potential_demand(clients: Sequence[Client], month: date) -> list[Proposal]:
    """Weak effect (growth on the month before at or below CRM_ANALYSIS_WEAK_GROWTH %, or a
    key-brand share below the average of the client's team) or a low ability score (at or
    below CRM_ANALYSIS_LOW_SCORE on any dimension), for the books whose manager generated
    the month's strategies."""
    from .effect import analysed_month, low_scores

    generated = set(
        MonthAnalysis.objects.filter(
            owner__in={c.owner_id for c in clients}, month=month, strategies_generated_at__isnull=False
        ).values_list("owner_id", flat=True)
    )
    clients = [c for c in clients if c.owner_id in generated]
    if not clients:
        return []
    analysed = analysed_month(month)
    ids = [c.pk for c in clients]
    effects = BusinessEffect.objects.filter(client__in=ids, month=analysed).select_related("client")
    team_averages = dict(
        BusinessEffect.objects.filter(
            month=analysed, client__team__in={c.team_id for c in clients if c.team_id}, key_brand_share__isnull=False
        )
        .values_list("client__team")
        .annotate(average=Avg("key_brand_share"))
        .order_by()
    )
    proposals: list[Proposal] = []
    threshold = weak_growth()
    for effect in effects:
        if effect.growth_month is not None and effect.growth_month <= threshold:
            proposals.append(
                Proposal(
                    effect.client_id,
                    "potential:growth",
                    _("Business changed %(growth)s %% on the month before: find out why and agree how to win it back")
                    % {"growth": effect.growth_month},
                )
            )
        average = team_averages.get(effect.client.team_id)
        if average is not None and effect.key_brand_share is not None and effect.key_brand_share < average:
            proposals.append(
                Proposal(
                    effect.client_id,
                    "potential:key-brand",
                    _("Key-brand share %(share)s %% is below the team's %(average)s %%: present the key brands")
                    % {"share": effect.key_brand_share, "average": Decimal(average).quantize(Decimal("0.01"))},
                )
            )
    for client_id, scores in low_scores(ids, month, settings.CRM_ANALYSIS_LOW_SCORE).items():
        for score in scores:
            proposals.append(
                Proposal(
                    client_id,
                    f"potential:score-{score.dimension_id}",
                    (
                        _("Low %(dimension)s score (%(score)s of 5): agree a step to improve it")
                        % {"dimension": score.dimension.name, "score": score.score}
                    )[:300],
                )
            )
    return proposals
