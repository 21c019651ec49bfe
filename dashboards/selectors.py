"""How the dashboards narrow their rows to the viewer (the figures themselves are in figures.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from accounts.models import Team
from accounts.scoping import Scope, scope_paths_of
from clients.models import Client


def seen_with_client(scope: Scope, team: Team | None) -> Callable[[QuerySet, str], QuerySet]:
    """``restrict(queryset, prefix)`` for ``figures.visit_dashboard``: the rows whose client the
    viewer may see, by the client's owner and team (like every client list), so that a client
    of another team never counts, even when its manager changed teams; and of ``team`` only,
    when one is chosen.

    ``prefix`` leads from the row to its client ("client__"); "" is a row that carries its own
    owner and team (a client, an interaction): its model's declared paths. A visit is seen
    here with its client, not by its own paths (its manager, the client's team).
    """
    client_paths = scope_paths_of(Client)

    def restrict(queryset: QuerySet, prefix: str) -> QuerySet:
        relation = prefix.removesuffix("__")
        paths = client_paths.through(relation) if relation else scope_paths_of(queryset.model)
        queryset = scope.filter(queryset, paths=paths)
        if team is None:
            return queryset
        return queryset.filter(**{paths.team or f"{paths.owner}__team": team})

    return restrict
