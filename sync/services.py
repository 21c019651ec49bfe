"""Writing tombstones: a row removed (``pre_delete``, whatever deletes it: a view, the
admin, a cascade) and rows that leave someone's scope when a client changes hands
(``departures_of``, around the hand-over). Read by ``sync.selectors.changes_since``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import pre_delete

from accounts.scoping import scope_paths_of

from .models import Resource, Tombstone


def resource_models() -> dict[str, type]:
    """The resources the app keeps, by their API names. Imported here: these apps' services
    call this module."""
    from clients.models import Client, Contact
    from complaints.models import Complaint
    from interactions.models import Interaction
    from visits.models import PlannedVisit, VisitLog

    return {
        Resource.CLIENTS: Client,
        Resource.CONTACTS: Contact,
        Resource.VISITS: PlannedVisit,
        Resource.VISIT_LOGS: VisitLog,
        Resource.INTERACTIONS: Interaction,
        Resource.COMPLAINTS: Complaint,
    }


def _scope_lookups(model) -> tuple[str, str]:
    """(owner, team) lookups of a model's scope, from the one place that declares them."""
    paths = scope_paths_of(model)
    return paths.owner, paths.team or f"{paths.owner}__team"


def scope_snapshot(client_id: int) -> dict[str, dict[int, tuple[int | None, int | None]]]:
    """Each of a client's rows (the client itself included), with its (owner, team) now:
    one query per resource."""
    snapshot = {}
    for resource, model in resource_models().items():
        owner, team = _scope_lookups(model)
        rows = model._default_manager.filter(
            **({"pk": client_id} if resource == Resource.CLIENTS else {"client_id": client_id})
        )
        snapshot[resource] = {pk: (o, t) for pk, o, t in rows.values_list("pk", owner, team)}
    return snapshot


def record_departures(before: dict, after: dict) -> int:
    """A tombstone for each row whose owner or team changed between the two snapshots,
    with the scope it had (whoever could see it then; the feed leaves out whoever still does)."""
    gone = [
        Tombstone(resource=resource, object_id=pk, kind=Tombstone.Kind.LEFT_SCOPE, owner_id=owner, team_id=team)
        for resource, rows in before.items()
        for pk, (owner, team) in rows.items()
        if after.get(resource, {}).get(pk, (owner, team)) != (owner, team)
    ]
    Tombstone.objects.bulk_create(gone)
    return len(gone)


@contextmanager
def departures_of(client_id: int) -> Iterator[None]:
    """Around a client's change of hands: what moved with it is recorded as left the scope."""
    before = scope_snapshot(client_id)
    yield
    record_departures(before, scope_snapshot(client_id))


def _record_removal(sender, instance, **kwargs) -> None:
    resource = next(name for name, model in resource_models().items() if model is sender)
    owner, team = _scope_lookups(sender)
    row = sender._default_manager.filter(pk=instance.pk).values_list(owner, team).first()
    if row is not None:
        Tombstone.objects.create(
            resource=resource, object_id=instance.pk, kind=Tombstone.Kind.REMOVED, owner_id=row[0], team_id=row[1]
        )


def connect_removals() -> None:
    """Every deletion of a kept row leaves a tombstone (complaints, visit logs and
    interactions are never deleted, see crm/records.py; the signal costs nothing there)."""
    for model in resource_models().values():
        pre_delete.connect(_record_removal, sender=model, weak=False, dispatch_uid=f"tombstone:{model.__name__}")
