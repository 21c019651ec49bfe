"""What early warning tells the monthly plan: a flagged client becomes a key (problem)
client with a retention strategy (SPEC: flagged for retention work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from clients.models import Client
from visits.proposals import Proposal, problem_finder, strategy_proposer

from .models import ClientWarning


def _active_warnings(clients: Sequence[Client]) -> list[ClientWarning]:
    return list(
        ClientWarning.objects.filter(active=True, client__in=[c.pk for c in clients]).order_by("client_id", "rule")
    )


@strategy_proposer
def retention_strategies(clients: Sequence[Client], month: date) -> list[Proposal]:
    return [
        Proposal(
            warning.client_id,
            f"retention-{warning.rule}",
            (_("Retention: visit and agree an offer — %(reason)s") % {"reason": warning.reason})[:300],
        )
        for warning in _active_warnings(clients)
    ]


@problem_finder
def clients_at_risk(clients: Sequence[Client], month: date) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for warning in _active_warnings(clients):
        reasons.setdefault(warning.client_id, []).append(warning.reason)
    return reasons
