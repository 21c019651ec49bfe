"""The client file's timeline: every change, visit, complaint and survey in one list.

Each feature registers a provider: ``provider(client, limit, before) -> list[TimelineEntry]``
that runs a fixed number of queries and returns its ``limit`` newest entries older than
``before`` (a moment, or None for the newest: ``earlier(field, before)`` is the filter). The
page merges them newest first, so the page's query count grows with the number of features,
never with the number of events.

The client file shows the newest ``FILE_ENTRIES``; the client's timeline page
(``clients:timeline``) shows the rest, ``PAGE_ENTRIES`` at a time, each page starting before
the last entry of the one before (keyset paging: no page is read twice, however long the
client's history). A page ends between two moments, never inside one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Client, Contact, GradeProposal, OwnerChange


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime
    kind: str  # a short css-friendly key: "change", "contact", "owner", "visit"...
    title: str
    user: object = None
    changes: list[FieldChange] = field(default_factory=list)
    detail: str = ""
    url: str = ""


class DeferredEntry:
    """An entry whose text is written only if it is shown.

    Each provider reads up to ``limit`` rows and the page keeps the newest ``limit`` of all of
    them: on a busy client most rows read are not shown (issue #31: 150 read, 50 shown).
    A provider may return these instead of ``TimelineEntry``: ``when`` and ``kind`` for the
    sort, and ``write()`` (called once, for the kept ones) for the rest. Anything else asked
    of it is asked of the written entry, so callers need not know the difference.
    """

    __slots__ = ("_entry", "_write", "kind", "when")

    def __init__(self, when: datetime, kind: str, write: Callable[[], TimelineEntry]):
        self.when, self.kind, self._write, self._entry = when, kind, write, None

    def written(self) -> TimelineEntry:
        if self._entry is None:
            self._entry = self._write()
        return self._entry

    def __getattr__(self, name: str):
        return getattr(self.written(), name)


def shown(entry: TimelineEntry | DeferredEntry) -> TimelineEntry:
    return entry.written() if isinstance(entry, DeferredEntry) else entry


def url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks at the cost of one ``reverse``: the
    timeline links each of up to 50 rows, and ``reverse`` is the dearest part of a row."""
    marker = 987654321  # a number no path holds otherwise
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


Provider = Callable[[Client, int, datetime | None], list[TimelineEntry | DeferredEntry]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


# A provider may read several tables with one ``UNION ALL`` (a query less per table), with
# ``crm.queries.typed_null``, ``person_columns`` and ``person`` (care and visits do).


FILE_ENTRIES = 20  # on the client file (issue #31: 50 cost the page half its time)
PAGE_ENTRIES = 50  # on each page of the client's timeline


def earlier(field: str, before: datetime | None) -> Q:
    """A provider's rows older than ``before`` (a later page of the timeline), or all."""
    return Q(**{f"{field}__lt": before}) if before is not None else Q()


def client_timeline(
    client: Client, *, limit: int = PAGE_ENTRIES, before: datetime | None = None
) -> list[TimelineEntry]:
    """The client's ``limit`` newest entries older than ``before`` (all, if None), newest first."""
    entries: list[TimelineEntry | DeferredEntry] = []
    for provider in _PROVIDERS:
        entries.extend(provider(client, limit, before))
    if before is not None:  # a provider with two moments per row (grade proposals) filters by one
        entries = [entry for entry in entries if entry.when < before]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return [shown(entry) for entry in entries[:limit]]


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    earlier: datetime | None  # where the next (older) page starts, if there is one


def timeline_page(client: Client, *, limit: int, before: datetime | None = None) -> TimelinePage:
    """Up to ``limit`` entries and where the older ones start, if any (one more is read to
    know). A page never ends inside a moment: entries of the same moment as the first one
    left out (a call typed to the minute, events written together) go to the next page
    together, which starts just after that moment."""
    entries = client_timeline(client, limit=limit + 1, before=before)
    if len(entries) <= limit:
        return TimelinePage(entries, None)
    boundary = entries[limit].when
    kept = [entry for entry in entries[:limit] if entry.when > boundary]
    if not kept:  # more than a page of one moment: shown as it comes (the rest of it is skipped)
        return TimelinePage(entries[:limit], boundary)
    return TimelinePage(kept, boundary + timedelta(microseconds=1))


# --- diffs of django-simple-history records -------------------------------------------

_SKIPPED = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user",
            "updated_at", "created_at", "next_visit_due", "latest_flagged_at",
            "earliest_flagged_at"}  # fmt: skip


def _diff(model: type[models.Model], new, old) -> list[tuple[models.Field, object, object]]:
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in _SKIPPED:
            continue
        before, after = getattr(old, model_field.attname), getattr(new, model_field.attname)
        if before != after:
            changes.append((model_field, before, after))
    return changes


def _render(raw: list[tuple[models.Field, object, object]]) -> list[FieldChange]:
    """Readable values: choice labels and related objects' names, one query per related model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for model_field, before, after in raw:
        if model_field.is_relation:
            wanted[model_field.related_model].update(v for v in (before, after) if v is not None)
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }

    def show(model_field, value) -> str:
        if value in (None, ""):
            return "—"
        if model_field.is_relation:
            return names[model_field.related_model].get(value, f"#{value}")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    return [FieldChange(str(f.verbose_name), show(f, b), show(f, a)) for f, b, a in raw]


def _history_entries(records, model, title_for) -> list[TimelineEntry]:
    """Turn history rows (newest first, all of one or more objects) into entries."""
    by_object: dict[int, list] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    raw_entries = []
    for object_records in by_object.values():
        for index, record in enumerate(object_records):
            previous = object_records[index + 1] if index + 1 < len(object_records) else None
            raw = _diff(model, record, previous) if previous is not None and record.history_type == "~" else []
            if record.history_type == "~" and previous is not None and not raw:
                continue  # saved without a visible change
            raw_entries.append((record, raw))
    # Render all diffs together so related names are looked up once.
    flat = [change for _, raw in raw_entries for change in raw]
    rendered = iter(_render(flat))
    entries = []
    for record, raw in raw_entries:
        changes = [next(rendered) for _ in raw]
        entries.append(
            TimelineEntry(
                when=record.history_date,
                kind="change" if model is Client else "contact",
                title=title_for(record),
                user=record.history_user,
                changes=changes,
                detail=record.history_change_reason or "",
            )
        )
    return entries


@register
def client_changes(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    records = list(
        client.history.filter(earlier("history_date", before))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    titles = {"+": _("Client created"), "~": _("Client details changed"), "-": _("Client deleted")}
    return _history_entries(records, Client, lambda r: titles[r.history_type])


@register
def contact_changes(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    records = list(
        Contact.history.filter(earlier("history_date", before), client_id=client.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    titles = {
        "+": _("Contact added: %(name)s"),
        "~": _("Contact changed: %(name)s"),
        "-": _("Contact removed: %(name)s"),
    }
    return _history_entries(records, Contact, lambda r: titles[r.history_type] % {"name": r.name})


@register
def owner_changes(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    changes = client.owner_changes.filter(earlier("changed_at", before)).select_related(
        "from_owner", "to_owner", "changed_by"
    )[:limit]
    entries = []
    for change in changes:
        title = (
            _("Account manager changed from %(old)s to %(new)s") % {"old": change.from_owner, "new": change.to_owner}
            if change.from_owner_id
            else _("Assigned to %(new)s") % {"new": change.to_owner}
        )
        entries.append(
            TimelineEntry(
                when=change.changed_at, kind="owner", title=title, user=change.changed_by, detail=change.reason
            )
        )
    return entries


@register
def grade_proposals(client: Client, limit: int, before: datetime | None) -> list[TimelineEntry]:
    """Grade change proposals: when proposed, and when decided (the grade history). A decision
    comes after its proposal: proposals made before ``before`` hold every earlier entry."""
    proposals = client.proposals.filter(earlier("created_at", before)).select_related(
        "proposed_by", "decided_by", "current_tier", "proposed_tier"
    )[:limit]
    entries = []
    for proposal in proposals:
        changes = [FieldChange(label, old, new) for label, old, new in proposal.changes()]
        url = proposal.get_absolute_url()
        entries.append(
            TimelineEntry(
                when=proposal.created_at, kind="grade", title=_("Grade change proposed"), user=proposal.proposed_by,
                changes=changes, detail=proposal.reason, url=url,
            )
        )  # fmt: skip
        if proposal.decided_at:
            title = (
                _("Grade change approved")
                if proposal.status == GradeProposal.Status.APPROVED
                else _("Grade change rejected")
            )
            entries.append(
                TimelineEntry(
                    when=proposal.decided_at, kind="grade", title=title, user=proposal.decided_by,
                    changes=changes, detail=proposal.decision_comment, url=url,
                )
            )  # fmt: skip
    return entries


__all__ = ["DeferredEntry", "FieldChange", "OwnerChange", "TimelineEntry", "client_timeline", "register", "url_maker"]
