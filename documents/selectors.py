"""Reads of client documents: a client's, and the renewals due (scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from accounts.scoping import Scope
from clients.models import Client

from .models import ClientDocument

MAX_DAYS = 366


@dataclass
class ClientDocuments:
    current: list[ClientDocument]
    earlier: list[ClientDocument]  # removed or replaced: the history of the file


def client_documents(client: Client, *, earlier: bool = True, earlier_limit: int = 20) -> ClientDocuments:
    """Two queries (one without the ``earlier`` versions: the client file), whatever the
    number of documents."""
    base = ClientDocument.objects.filter(client=client).select_related("uploaded_by", "removed_by")
    current = list(base.current().order_by("expires_on", "-uploaded_at", "-pk"))
    if not earlier:
        return ClientDocuments(current=current, earlier=[])
    earlier_versions = list(
        base.exclude(pk__in=[d.pk for d in current])
        .select_related("replaced_by")
        .order_by("-uploaded_at", "-pk")[:earlier_limit]
    )
    return ClientDocuments(current=current, earlier=earlier_versions)


def renewal_days_from(text: str, default: int) -> int:
    """``?days=``: a whole number of days from 1 to a year; anything else is the default."""
    text = (text or "").strip()[:4]
    if text.isdecimal() and 1 <= int(text) <= MAX_DAYS:
        return int(text)
    return default


def renewals_due(
    scope: Scope, *, today: date, days: int, owner_id: int | None = None, team_id: int | None = None
) -> QuerySet[ClientDocument]:
    """Current documents of the clients this user may see whose date falls within ``days``
    from today, soonest first."""
    rows = (
        ClientDocument.objects.visible_to(scope)
        .current()
        .filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))
    )
    if owner_id:
        rows = rows.filter(client__owner_id=owner_id)
    if team_id:
        rows = rows.filter(client__team_id=team_id)
    return rows


def renewal_rows(rows: QuerySet[ClientDocument]) -> QuerySet[ClientDocument]:
    return rows.select_related("client__owner", "client__team").order_by("expires_on", "pk")


def renewals_per_manager(rows: QuerySet[ClientDocument]) -> list[dict]:
    """How many renewals each manager (the client's) has due: one query."""
    counted = (
        rows.values("client__owner", "client__owner__first_name", "client__owner__last_name", "client__owner__username")
        .annotate(due=Count("pk"))
        .order_by("-due", "client__owner__username")
    )
    return [
        {
            "owner_id": row["client__owner"],
            "name": f"{row['client__owner__first_name']} {row['client__owner__last_name']}".strip()
            or row["client__owner__username"],
            "due": row["due"],
        }
        for row in counted
    ]
