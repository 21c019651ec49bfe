"""Reads of clients, always through the user's scope."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404, scope_for

from .models import Client, Contact

CLIENT_SCOPE = {"owner": "owner", "team": "team"}


def visible_clients(user: User) -> QuerySet[Client]:
    return scope_for(user).filter(Client.objects.all(), **CLIENT_SCOPE)


def client_list(user: User) -> QuerySet[Client]:
    """The list page's rows: one query per page whatever the page size."""
    return visible_clients(user).select_related("tier", "owner", "team", "group", "group__tier")


def search_clients(queryset: QuerySet[Client], text: str) -> QuerySet[Client]:
    """Match name, code or phone of the client, or the name or phones of a contact."""
    text = (text or "").strip()
    if not text:
        return queryset
    # Contacts are searched among the clients in the queryset only (its scope and filters):
    # PostgreSQL otherwise scans every contact of every client once per search.
    contact_match = Contact.objects.filter(client__in=queryset.order_by().values("pk")).filter(
        Q(name__icontains=text) | Q(mobile__icontains=text) | Q(office_phone__icontains=text)
    )
    return queryset.filter(
        Q(name__icontains=text)
        | Q(code__icontains=text)
        | Q(phone__icontains=text)
        | Q(pk__in=contact_match.values("client_id"))
    )


def get_client(user: User, pk: int, *, for_detail: bool = False) -> Client:
    """One client in the user's scope, or 404."""
    queryset = Client.objects.select_related("tier", "owner", "team", "group", "group__tier", "group__lead_manager")
    if for_detail:
        queryset = queryset.prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("-is_key_person", "name"))
        )
    return get_scoped_object_or_404(user, queryset, pk=pk, **CLIENT_SCOPE)


def get_contact(user: User, pk: int) -> Contact:
    return get_scoped_object_or_404(
        user, Contact.objects.select_related("client"), pk=pk, owner="client__owner", team="client__team"
    )
