"""Market observations on the client file's timeline."""

from datetime import datetime

from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, earlier, register

from .models import MarketObservation


@register
def market_observations(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    rows = (
        MarketObservation.objects.filter(earlier("created_at", before), client=client)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )
    return [
        TimelineEntry(
            when=row.created_at,
            kind="market",
            title=_("Competitor seen: %(what)s") % {"what": f"{row.brand} {row.product}".strip()},
            user=row.owner,
            detail=" · ".join(part for part in _parts(row) if part),
        )
        for row in rows[:limit]
    ]


def _parts(row: MarketObservation) -> list[str]:
    return [
        _("price %(price)s") % {"price": row.price} if row.price is not None else "",
        row.promotion,
        row.get_shelf_position_display() if row.shelf_position else "",
        _("shelf share %(share)s%%") % {"share": row.shelf_share} if row.shelf_share is not None else "",
        row.remark[:200],
    ]
