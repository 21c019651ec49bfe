"""The search box in the navigation (issue #32): clients, contacts, complaints and groups
the user may see, found by one text.

Every group is read within the user's scope (``accounts.scoping``) and by the rules of the
pages it links to: clients by ``clients.selectors.search_clients`` (the client list's search
and its trigram indexes), contacts by the same contact match, complaints by
``complaints.selectors.search_by_number``, groups by ``clients.selectors.visible_groups``.
Each group reads a few rows more than it shows, to know that there are more, and never
counts them: a search of a few letters may match tens of thousands of clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Model, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import Scope, scope_for
from clients.models import Client, Contact
from clients.rules import looks_like_phone, phone_digits
from clients.selectors import contacts_matching, same_phone, search_clients, visible_groups
from complaints.models import Complaint
from complaints.selectors import complaint_numbers, search_by_number
from crm.http import search_text

PER_GROUP = 5
SUGGESTIONS_PER_GROUP = 3
MAX_LENGTH = 100  # longer text is cut: no name, code, number or phone is this long
MIN_LENGTH = 2  # one letter matches nearly everything, and no trigram index helps


def clean_query(text: str | None) -> str:
    """The search text as searched: NUL characters (which PostgreSQL refuses) removed, spaces
    trimmed, at most ``MAX_LENGTH`` characters."""
    return search_text(text, MAX_LENGTH)


@dataclass
class Group:
    key: str
    rows: list = field(default_factory=list)
    more: bool = False
    see_all: str = ""


@dataclass
class Results:
    query: str
    groups: list[Group]

    @property
    def found(self) -> bool:
        return any(group.rows for group in self.groups)


def _first(queryset, limit: int) -> tuple[list, bool]:
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def site_search(user: User, text: str, *, per_group: int = PER_GROUP, scope: Scope | None = None) -> Results:
    """Up to ``per_group`` of each kind, with a link to the whole list where there is one:
    four queries (one per group) whatever the size of the scope."""
    scope = scope or scope_for(user)
    text = clean_query(text)
    if len(text) < MIN_LENGTH:
        return Results(query=text, groups=[])
    clients_qs = Client.objects.visible_to(scope).select_related("owner", "tier")
    clients, more_clients = _first(search_clients(clients_qs, text).order_by("name", "pk"), per_group)
    contacts, more_contacts = _first(
        contacts_matching(Contact.objects.visible_to(scope), text).select_related("client").order_by("name", "pk"),
        per_group,
    )
    complaints, more_complaints = _first(
        search_by_number(Complaint.objects.visible_to(scope), text).select_related("client").order_by("-number"),
        per_group,
    )
    groups, more_groups = _first(
        visible_groups(scope).filter(Q(name__icontains=text) | Q(code__icontains=text)).order_by("name", "pk"),
        per_group,
    )
    client_list = reverse("clients:list")
    return Results(
        query=text,
        groups=[
            Group("clients", clients, more_clients, f"{client_list}?{urlencode({'q': text})}"),
            Group("contacts", contacts, more_contacts, f"{client_list}?{urlencode({'q': text})}"),
            Group("complaints", complaints, more_complaints, f"{reverse('complaints:list')}?{urlencode({'q': text})}"),
            Group("groups", groups, more_groups, f"{client_list}?{urlencode({'group_search': text})}"),
        ],
    )


def exact_match(user: User, text: str, *, scope: Scope | None = None) -> Model | None:
    """The one record the text names exactly, if there is one in the user's scope: a client
    by its code or phone, a contact by a phone, a complaint by its number, a group by its code.
    Pressing Enter in the search box goes straight to it; two records of the same phone (or
    none) leave the choice to the results page. Every lookup reads a unique or trigram index."""
    scope = scope or scope_for(user)
    text = clean_query(text)
    if len(text) < MIN_LENGTH:
        return None
    codes = {text, text.upper()}
    found: list[Model] = list(Client.objects.visible_to(scope).filter(code__in=codes)[:2])
    if phone := (phone_digits(text) if looks_like_phone(text) else ""):
        found += same_phone(Client.objects.visible_to(scope), phone, ("phone",))[:2]
        found += same_phone(
            Contact.objects.visible_to(scope).select_related("client"), phone, ("mobile", "office_phone")
        )[:2]
    if numbers := complaint_numbers(text):
        found += Complaint.objects.visible_to(scope).filter(number__in=numbers)[:2]
    found += visible_groups(scope).filter(code__in=codes)[:2]
    return found[0] if len(found) == 1 else None


def url_of(record: Model) -> str:
    """Where a found record opens: a contact on their client's page."""
    if isinstance(record, Contact):
        return record.client.get_absolute_url()
    return record.get_absolute_url()


def suggestions(results: Results) -> list[dict]:
    """The results as the search box's suggestions: what each is, its name and a detail."""
    kinds = {
        "clients": _("Client"),
        "contacts": _("Contact"),
        "complaints": _("Complaint"),
        "groups": _("Group client"),
    }
    out = []
    for group in results.groups:
        for row in group.rows:
            if group.key == "clients":
                label, detail = row.name, row.code
            elif group.key == "contacts":
                label, detail = row.name, row.client.name
            elif group.key == "complaints":
                label, detail = row.number, row.client.name
            else:
                label, detail = row.name, row.code
            out.append({"kind": str(kinds[group.key]), "label": label, "detail": detail, "url": url_of(row)})
    return out
