"""Step 1, direct demand (直接需求分析): the writes.

Managers key in each client's demand for the month planned; the ordering system's demand
for online-ordering clients is imported on the 25th (``analysis.import_demand``, from the
source named by ``CRM_DEMAND_SOURCE``). Every demand must be confirmed by the client's
manager, and only confirmed demand makes direct-demand strategies
(``analysis.proposals_state``). A changed quantity is a new demand: it must be confirmed
again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from clients.models import Client
from visits.rules import month_start

from .models import Demand, MonthAnalysis, Product


def _analysis(owner: User, month: date) -> MonthAnalysis:
    analysis, _created = MonthAnalysis.objects.get_or_create(
        owner=owner, month=month, defaults={"team_id": owner.team_id}
    )
    return analysis


def _unmark_confirmed(owner_ids: Iterable[int], months: Iterable[date]) -> None:
    """A new or changed demand means the month's demand is no longer all confirmed."""
    MonthAnalysis.objects.filter(
        owner_id__in=set(owner_ids), month__in=set(months), demand_confirmed_at__isnull=False
    ).update(demand_confirmed_at=None)


@transaction.atomic
def save_demand(*, by: User, client: Client, product: Product, month: date, quantity: Decimal) -> Demand:
    """Key in (or change) a client's demand for a product in the month planned.

    Only the client's own manager keys it in. Keying the same client and product again
    changes the quantity; a changed quantity un-confirms the demand.
    """
    month = month_start(month)
    if not Client.objects.of_manager(by).filter(pk=client.pk).exists():
        raise PermissionDenied(_("Only the client's account manager keys in its demand."))
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("Enter a quantity above zero.")})
    demand = Demand.objects.select_for_update().filter(client=client, product=product, month=month).first()
    if demand is None:
        demand = Demand.objects.create(
            client=client, product=product, month=month, quantity=quantity, entered_by=by, source=Demand.Source.MANAGER
        )
    elif demand.quantity != quantity:
        demand.quantity = quantity
        demand.source = Demand.Source.MANAGER
        demand.entered_by = by
        demand.confirmed_at = demand.confirmed_by = None
        demand.save()
    else:
        return demand
    _unmark_confirmed([by.pk], [month])
    return demand


@transaction.atomic
def remove_demand(*, by: User, ids: Iterable[int]) -> int:
    """Delete demands keyed in by mistake: only the caller's own clients' rows."""
    rows = Demand.objects.of_manager(by).filter(pk__in=list(ids))
    months = set(rows.values_list("month", flat=True))
    deleted, _rows = rows.delete()
    if deleted:
        _mark_if_all_confirmed(by, months)
    return deleted


def _mark_if_all_confirmed(owner: User, months: Iterable[date]) -> None:
    """Set (or clear) MonthAnalysis.demand_confirmed_at for each month: set when every
    demand of the manager's book for that month is confirmed."""
    months = set(months)
    if not months:
        return
    waiting = set(
        Demand.objects.of_manager(owner)
        .filter(month__in=months, confirmed_at__isnull=True)
        .values_list("month", flat=True)
        .distinct()
    )
    now = timezone.now()
    for month in sorted(months):
        analysis = _analysis(owner, month)
        confirmed = month not in waiting
        if confirmed and analysis.demand_confirmed_at is None:
            analysis.demand_confirmed_at = now
            analysis.save(update_fields=["demand_confirmed_at"])
        elif not confirmed and analysis.demand_confirmed_at is not None:
            analysis.demand_confirmed_at = None
            analysis.save(update_fields=["demand_confirmed_at"])


@transaction.atomic
def confirm_demand(*, by: User, ids: Iterable[int]) -> int:
    """Confirm demands, one or many at once, in one UPDATE.

    Only the caller's own clients' rows are confirmed (another manager's ids are ignored,
    as are rows already confirmed); the month's analysis records when every demand of the
    manager's book for the month is confirmed. Returns the number confirmed.
    """
    ids = list(ids)
    if not ids:
        return 0
    rows = Demand.objects.of_manager(by).filter(pk__in=ids)
    confirmed = rows.filter(confirmed_at__isnull=True).update(confirmed_at=timezone.now(), confirmed_by=by)
    if confirmed:
        _mark_if_all_confirmed(by, rows.values_list("month", flat=True).distinct())
    return confirmed


# --- the ordering system's demand (the job on the 25th) --------------------------------------


@dataclass(frozen=True)
class DemandRow:
    """One row of demand from the ordering system, as read from its file (line for errors)."""

    line: int
    client_code: str
    product_code: str
    quantity: Decimal
    month: date


@transaction.atomic
def import_ordering_demand(rows: list[DemandRow]) -> dict:
    """Store the ordering system's demand: all rows or none.

    A row for a client or product the CRM does not know refuses the whole batch (the
    errors name the line and column). A client and product already asked for that month
    are updated, not added: importing the same rows twice changes nothing, and a changed
    quantity must be confirmed again. Imported demand is never confirmed: the manager does.
    """
    clients = dict(
        Client.objects.filter(code__in={r.client_code for r in rows}).values_list("code", "pk")
    )  # every client: the ordering system knows no CRM scope
    products = dict(Product.objects.filter(code__in={r.product_code for r in rows}).values_list("code", "pk"))
    errors = []
    for row in rows:
        if row.client_code not in clients:
            errors.append(
                _("line %(line)s, column %(column)s: unknown client %(code)s")
                % {"line": row.line, "column": "client_code", "code": row.client_code}
            )
        if row.product_code not in products:
            errors.append(
                _("line %(line)s, column %(column)s: unknown product %(code)s")
                % {"line": row.line, "column": "product_code", "code": row.product_code}
            )
    if errors:
        raise ValidationError(errors)
    wanted = {(clients[r.client_code], products[r.product_code], r.month): r.quantity for r in rows}
    months = {key[2] for key in wanted}
    existing = {
        (d.client_id, d.product_id, d.month): d
        for d in Demand.objects.filter(
            client__in={key[0] for key in wanted}, product__in={key[1] for key in wanted}, month__in=months
        )
    }
    new, changed = [], []
    for (client_id, product_id, month), quantity in wanted.items():
        demand = existing.get((client_id, product_id, month))
        if demand is None:
            new.append(
                Demand(
                    client_id=client_id,
                    product_id=product_id,
                    month=month,
                    quantity=quantity,
                    source=Demand.Source.ORDERING,
                )
            )
        elif demand.quantity != quantity:
            demand.quantity, demand.source = quantity, Demand.Source.ORDERING
            demand.confirmed_at = demand.confirmed_by = None
            changed.append(demand)
    bulk_create_with_history(new, Demand, batch_size=1000)
    bulk_update_with_history(changed, Demand, ["quantity", "source", "confirmed_at", "confirmed_by"], batch_size=1000)
    touched = {d.client_id for d in [*new, *changed]}
    if touched:
        owners = Client.objects.filter(pk__in=touched).values_list("owner_id", flat=True).distinct()
        _unmark_confirmed([pk for pk in owners if pk], months)
    return {"imported": len(new), "changed": len(changed)}
