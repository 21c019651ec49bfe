"""Recording market observations: the one service every entry point reaches, through the
visit log (``visits.services.log_visit``) and the call log
(``interactions.services.log_interaction``), inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from clients.models import Client

from .forms import FIELDS, MAX_OBSERVATIONS
from .models import MarketObservation


def record_observations(
    *,
    client: Client,
    by: User,
    day: date,
    observations: Iterable[dict],
    visit_log=None,
    interaction=None,
) -> list[MarketObservation]:
    """Keep each observation (already checked by ``forms.ObservationForm``) with the client,
    the visit log or the call it was made on, the manager and the day; the team is the
    client's, so the client's supervisor sees it. Recorded in the audit history."""
    rows = [row for row in observations if row and (row.get("brand") or "").strip()]
    if not rows:
        return []
    if visit_log is None and interaction is None:
        raise ValueError("An observation is recorded on a visit log or a call.")
    if len(rows) > MAX_OBSERVATIONS:
        raise ValidationError(_("At most %(count)s observations at a time.") % {"count": MAX_OBSERVATIONS})
    made = [
        MarketObservation(
            client=client,
            owner=by,
            team_id=client.team_id,
            observed_on=day,
            visit_log=visit_log,
            interaction=interaction,
            **{name: _value(name, row.get(name)) for name in FIELDS},
        )
        for row in rows
    ]
    for observation in made:
        observation.full_clean(exclude=["client", "owner", "team", "visit_log", "interaction"])
    return bulk_create_with_history(made, MarketObservation, default_user=by)


def _value(name: str, value):
    if name in ("price", "shelf_share"):
        return value
    return (value or "").strip()
