"""The client file shows the gifts given, the gifts declined and the invitations to events.

The three registers are read together, in one ``UNION ALL`` query, newest first: the client
file has many sources and each costs a query.
"""

from datetime import datetime

from django.db.models import BooleanField, CharField, DecimalField, F, QuerySet, Value
from django.utils.translation import gettext as _

from clients.models import Client
from clients.timeline import TimelineEntry, earlier, register
from crm.queries import person, person_columns, typed_null

from .models import DeclinedGift, EventInvitation, Gift

# The columns every register fills, in this order (a UNION matches them by position).
COLUMNS = (
    "source", "when", "user_pk", "user_username", "user_first", "user_last", "contact_name", "text", "choice",
    "state", "amount", "day", "came", "approver_pk", "approver_username", "approver_first", "approver_last",
)  # fmt: skip


def _rows(queryset: QuerySet, source: str, *, user: str, approver: str | None = None, **columns) -> QuerySet:
    defaults = {
        "contact_name": typed_null(CharField()),
        "choice": typed_null(CharField()),
        "state": typed_null(CharField()),
        "amount": typed_null(DecimalField(max_digits=10, decimal_places=2)),
        "came": typed_null(BooleanField()),
    }
    annotations = {
        "source": Value(source, output_field=CharField()),
        "when": F("created_at"),
        **person_columns("user", user),
        **{**defaults, **columns},
        **person_columns("approver", approver),
    }
    return queryset.order_by().annotate(**annotations).values_list(*COLUMNS)


@register
def care_register(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    gifts = _rows(
        Gift.objects.filter(earlier("created_at", before), client=client),
        "gift",
        user="given_by",
        approver="decided_by",
        contact_name=F("contact__name"),
        text=F("item"),
        choice=F("occasion"),
        state=F("status"),
        amount=F("value"),
        day=F("given_on"),
    )
    declined = _rows(
        DeclinedGift.objects.filter(earlier("created_at", before), client=client),
        "declined",
        user="recorded_by",
        text=F("description"),
        day=F("offered_on"),
    )
    invitations = _rows(
        EventInvitation.objects.filter(earlier("created_at", before), client=client),
        "event",
        user="owner",
        contact_name=F("contact__name"),
        text=F("event_name"),
        choice=F("rsvp"),
        day=F("event_date"),
        came=F("attended"),
    )
    rows = gifts.union(declined, invitations, all=True).order_by("-when")[:limit]
    occasions, statuses = dict(Gift.Occasion.choices), dict(Gift.Status.choices)
    answers = dict(EventInvitation.Rsvp.choices)
    entries = []
    for values in rows:
        row = dict(zip(COLUMNS, values, strict=True))
        if row["source"] == "gift":
            detail = f"{occasions.get(row['choice'], row['choice'])} · {row['amount']} · "
            detail += str(statuses.get(row["state"], row["state"]))
            if row["contact_name"]:
                detail = f"{row['contact_name']} · {detail}"
            if approver := person(row, "approver"):
                detail += " · " + _("decided by %(name)s") % {"name": approver}
            title = _("Gift: %(item)s") % {"item": row["text"]}
        elif row["source"] == "declined":
            title = _("Gift from the client declined")
            detail = f"{row['day']:%Y-%m-%d} · {row['text']}"
        else:
            parts = [f"{row['day']:%Y-%m-%d}", str(answers.get(row["choice"], row["choice"]))]
            if row["contact_name"]:
                parts.insert(0, row["contact_name"])
            if row["came"] is not None:
                parts.append(_("attended") if row["came"] else _("did not attend"))
            title = _("Invited to %(event)s") % {"event": row["text"]}
            detail = " · ".join(parts)
        entries.append(
            TimelineEntry(when=row["when"], kind="care", title=title, user=person(row, "user"), detail=detail)
        )
    return entries
