"""Who changed what and when about one client: the django-simple-history records of the
client and of everything kept about it (contacts, plans' visits, visit logs, strategies,
complaints, surveys, documents, competitor observations), newest first, each with its field-by-field changes.

A fixed number of queries per page: two per audited model (the page's records, then the
earlier versions of the objects on the page) and one per kind of linked record named
(users, teams, tiers, categories), whatever the client's history holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Team, User
from clients.models import Client, Contact, Tier
from complaints.models import Category, Complaint
from complaints.selectors import visible_complaints
from documents.models import ClientDocument
from market.models import MarketObservation
from surveys.models import FollowUp, Invitation
from visits.models import PlannedVisit, ServiceStrategy, VisitLog

# (model, the lookup from its history rows to the client's id)
AUDITED: list[tuple[type[Model], str]] = [
    (Client, "id"),
    (Contact, "client_id"),
    (PlannedVisit, "client_id"),
    (VisitLog, "client_id"),
    (ServiceStrategy, "client_id"),
    (Complaint, "client_id"),
    (Invitation, "client_id"),
    (FollowUp, "client_id"),
    (ClientDocument, "client_id"),
    (MarketObservation, "client_id"),
]
# Linked records shown by name (cheap to name); others as "#id".
NAMED = (User, Team, Tier, Category)
MAX_PAGE = 200

ACTIONS = {
    "+": pgettext_lazy("audit", "created"),
    "~": pgettext_lazy("audit", "changed"),
    "-": pgettext_lazy("audit", "deleted"),
}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    kind: str
    label: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _tracked_fields(model: type[Model]) -> list:
    history_model = model.history.model
    names = {f.name for f in history_model._meta.fields}
    skipped = {"id", "created_at", "updated_at"}
    return [f for f in model._meta.concrete_fields if f.name in names and f.name not in skipped]


def _display(model_field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    return str(value)


def _restricted(model: type[Model], user: User, client: Client) -> dict:
    """History rows of ``model`` about ``client`` that ``user`` may see. Everything follows
    the client's scope (checked by the view), except complaints, which have a team of
    their own: a complaint the user cannot open is not shown in its history either."""
    if model is Complaint:
        return {"id__in": visible_complaints(user).filter(client=client).values("pk")}
    return {}


def client_history(client: Client, user: User, page: int = 1, per_page: int = 50) -> tuple[list[Entry], bool]:
    """One page of the client's audit trail as ``user`` may see it, and whether an older
    page exists."""
    page = min(max(page, 1), MAX_PAGE)
    wanted = page * per_page + 1
    rows = []
    for model, lookup in AUDITED:
        records = (
            model.history.filter(**{lookup: client.pk}, **_restricted(model, user, client))
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:wanted]
        )
        rows += [(record.history_date, record.history_id, model, record) for record in records]
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    has_next = len(rows) > page * per_page
    rows = rows[(page - 1) * per_page : page * per_page]

    previous: dict[tuple[type[Model], int], list] = {}
    for model, _lookup in AUDITED:
        on_page = [record for _when, _hid, m, record in rows if m is model]
        if not on_page:
            continue
        latest = max(record.history_date for record in on_page)
        earlier = model.history.filter(id__in={r.id for r in on_page}, history_date__lte=latest).order_by(
            "id", "history_date", "history_id"
        )
        for record in earlier:
            previous.setdefault((model, record.id), []).append(record)

    # Names of the linked users, teams, tiers and categories on the page: one query each.
    linked: dict[type[Model], set] = {}
    for _when, _hid, model, record in rows:
        for f in _tracked_fields(model):
            if f.is_relation and f.related_model in NAMED and getattr(record, f.attname) is not None:
                linked.setdefault(f.related_model, set()).add(getattr(record, f.attname))
    names = {
        (related, pk): str(obj) for related, ids in linked.items() for pk, obj in related.objects.in_bulk(ids).items()
    }

    entries = []
    for _when, _hid, model, record in rows:
        fields = _tracked_fields(model)
        versions = previous.get((model, record.id), [])
        before = [v for v in versions if (v.history_date, v.history_id) < (record.history_date, record.history_id)]
        changes = []
        if record.history_type == "~" and before:
            old = before[-1]
            changes = [
                Change(
                    str(f.verbose_name),
                    _display(f, getattr(old, f.attname), names),
                    _display(f, getattr(record, f.attname), names),
                )
                for f in fields
                if getattr(old, f.attname) != getattr(record, f.attname)
            ]
        entries.append(
            Entry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else str(_("the system")),
                kind=str(model._meta.verbose_name),
                label=str(getattr(record, "name", "") or getattr(record, "number", "") or f"#{record.id}"),
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries, has_next
