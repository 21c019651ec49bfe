"""The change feed: what the caller's phone should drop since a time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.scoping import scope_for

from .models import Resource, Tombstone
from .services import resource_models


# ``until`` is this far behind the clock, and everything since ``since`` is listed: a
# tombstone written by a transaction still open when the feed was read (its time is
# earlier than its commit: an import of 5,000 clients, a bulk hand-over) is listed on the
# next read. Dropping an id twice is harmless, missing one is not: the margin is generous.
def settle() -> timedelta:
    return timedelta(minutes=settings.CRM_SYNC_SETTLE_MINUTES)


def changes_since(user: User, since: datetime | None) -> dict:
    """{"until": time, "resync": bool, "resources": {name: {"removed": [ids], "out_of_scope": [ids]}}}: rows
    removed, and rows the caller could see that left their scope (and are not visible to them
    now: a client handed back is not dropped). At most 1 + 6 queries (+1 for a supervisor's teams)."""
    now = timezone.now()
    resources = {name: {"removed": [], "out_of_scope": []} for name in Resource.values}
    # Older tombstones are pruned (sync.prune_tombstones): a phone that last synced before
    # that loads everything again instead of trusting an incomplete list.
    resync = since is not None and since < now - timedelta(days=settings.CRM_SYNC_KEEP_DAYS)
    if since is not None and not resync:
        scope = scope_for(user)
        left: dict[str, set[int]] = {}
        rows = Tombstone.objects.visible_to(scope).filter(at__gte=since).values_list("resource", "object_id", "kind")
        for resource, object_id, kind in rows.order_by("at", "pk"):
            if kind == Tombstone.Kind.REMOVED:
                resources[resource]["removed"].append(object_id)
            else:
                left.setdefault(resource, set()).add(object_id)
        models = resource_models()
        for resource, ids in left.items():
            still_seen = set(models[resource].objects.visible_to(scope).filter(pk__in=ids).values_list("pk", flat=True))
            resources[resource]["out_of_scope"] = sorted(ids - still_seen)
        for lists in resources.values():
            lists["removed"] = sorted(set(lists["removed"]))
    return {"until": now - settle(), "resync": resync, "resources": resources}
