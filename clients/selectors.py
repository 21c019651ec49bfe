"""Reads of clients, always through the user's scope."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Func, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, Value
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.scoping import Scope, get_scoped_object_or_404, scope_for

from . import rules
from .models import Client, ClientGroup, Contact, GradeProposal


def visible_clients(user: User) -> QuerySet[Client]:
    return Client.objects.visible_to(user)


def client_list(user: User) -> QuerySet[Client]:
    """The list page's rows: one query per page whatever the page size."""
    return visible_clients(user).select_related("tier", "owner", "team", "group", "group__tier")


def search_clients(queryset: QuerySet[Client], text: str) -> QuerySet[Client]:
    """Match name, code or phone of the client, or the name or phones of a contact."""
    text = (text or "").strip()
    if not text:
        return queryset
    # Both halves are searched among the clients in the queryset only (its scope and
    # filters), and joined by UNION rather than OR: PostgreSQL then reads each half from
    # its trigram indexes (migration 0012) instead of scanning every client (issue #31).
    within = queryset.order_by().values("pk")
    contacts = Contact.objects.order_by().filter(client__in=within)
    matches = clients_matching(within, text).union(contacts_matching(contacts, text).values("client_id"))
    return queryset.filter(pk__in=matches)


def clients_matching(queryset: QuerySet, text: str) -> QuerySet:
    """Clients whose name, code or phone contains ``text`` (a name only below
    ``SHORT_SEARCH`` characters): the one rule of the client list, the API and the search box."""
    if len(text) < SHORT_SEARCH:
        # One or two characters: a piece of a name (程涛, a two-character contact name), never
        # of a code or a phone number, which would match nearly everyone.
        return _names_containing(queryset, text)
    return queryset.filter(client_text_q(text))


# How many clients a picker's search box offers at once (``pick_clients``).
PICK_LIMIT = 20


def pickable_clients(user: User | Scope, *, owner: User | None = None) -> QuerySet[Client]:
    """The clients a form's client picker offers and accepts: those the user may see
    (``accounts.scoping``), of ``owner``'s book when given (a visit or task is the
    manager's own work), never a lost one."""
    queryset = Client.objects.visible_to(user).exclude(status=Client.Status.LOST)
    return queryset.of_manager(owner) if owner is not None else queryset


def pick_clients(queryset: QuerySet[Client], text: str, *, limit: int = PICK_LIMIT) -> tuple[list[Client], bool]:
    """The first ``limit`` clients of ``queryset`` that ``text`` matches (``clients_matching``),
    by name, and whether there are more: one query, never a count."""
    if not text:
        return [], False
    rows = list(clients_matching(queryset, text).order_by("name", "pk").only("pk", "name", "code")[: limit + 1])
    return rows[:limit], len(rows) > limit


def clients_named(queryset: QuerySet[Client], text: str) -> list[Client]:
    """The clients ``text`` names when a picker is sent without a choice (no JavaScript, or
    typed and not chosen): the one whose code it is; else those whose name it is; else those
    it matches (``clients_matching``). At most two: two mean "say more"."""
    exact = list(queryset.filter(Q(code__iexact=text) | Q(name__iexact=text)).order_by("pk")[:3])
    by_code = [client for client in exact if client.code.upper() == text.upper()]
    if by_code:
        return by_code[:1]
    if exact:
        return exact[:2]
    return list(clients_matching(queryset, text).order_by("name", "pk")[:2])


def contacts_matching(queryset: QuerySet, text: str) -> QuerySet:
    """Contacts whose name or phones contain ``text`` (a name only below ``SHORT_SEARCH``)."""
    if len(text) < SHORT_SEARCH:
        return _names_containing(queryset, text)
    return queryset.filter(contact_text_q(text))


def client_text_q(text: str) -> Q:
    """What a search matches on a client: its name, code or phone (each has a trigram index
    on ``UPPER(col::text)``, migration 0012, which ``icontains`` uses on PostgreSQL)."""
    return Q(name__icontains=text) | Q(code__icontains=text) | Q(phone__icontains=text)


def contact_text_q(text: str) -> Q:
    """What a search matches on a contact: their name or phones (trigram indexes, 0012)."""
    return Q(name__icontains=text) | Q(mobile__icontains=text) | Q(office_phone__icontains=text)


PHONE_CANDIDATES = 50  # rows read per phone whose last four digits match, compared in Python
PHONE_BATCH = 200  # phones looked up per query (SQLite parses a long OR as a deep tree)


def rows_by_phone(queryset: QuerySet, phones, fields: tuple[str, ...]) -> dict[str, list]:
    """``{digits: rows}``: the rows of ``queryset`` with a phone (any of ``fields``) that is
    one of ``phones`` once spaces, dashes and country code are left out
    (``rules.phone_digits``), in id order. The one phone lookup of the search box and the
    duplicate check. Phones are kept as typed, so the rows are first narrowed by the
    numbers' last four digits (the trigram indexes of the client search), then compared
    digit by digit; one query per ``PHONE_BATCH`` numbers."""
    wanted = {digits for digits in (rules.phone_digits(phone) for phone in phones) if digits}
    found: dict[str, list] = {}
    tails = sorted({digits[-4:] for digits in wanted})
    for start in range(0, len(tails), PHONE_BATCH):
        batch = tails[start : start + PHONE_BATCH]
        narrowed = Q()
        for tail in batch:
            for name in fields:
                narrowed |= Q(**{f"{name}__icontains": tail})
        for row in queryset.filter(narrowed).order_by("pk")[: PHONE_CANDIDATES * len(batch)]:
            for digits in {rules.phone_digits(getattr(row, name)) for name in fields} & wanted:
                found.setdefault(digits, []).append(row)
    return found


def same_phone(queryset: QuerySet, phone: str, fields: tuple[str, ...]) -> list:
    """Rows with a phone that is ``phone`` (``rows_by_phone``)."""
    return rows_by_phone(queryset, [phone], fields).get(rules.phone_digits(phone), [])


# A search shorter than this matches names only (``search_clients``).
SHORT_SEARCH = 3


class SearchGrams(Func):
    """``crm_search_grams(text)``: the one- and two-character pieces of the upper-cased text
    (a PostgreSQL function, clients migration 0014, with a GIN index on the names)."""

    function = "crm_search_grams"
    output_field = ArrayField(TextField())


def _names_containing(queryset: QuerySet, text: str) -> QuerySet:
    """Rows whose ``name`` contains ``text`` (one or two characters), case-insensitively.

    A trigram index cannot serve fewer than three characters; on PostgreSQL the name's
    pieces contain the text's pieces exactly when the name contains the text, and the GIN
    index of migration 0014 answers that. Elsewhere a plain ``icontains``.

    Both conditions are given, though each alone is the rule: over a few thousand rows read
    by another index (one manager's book, by its owner) PostgreSQL tests the cheap
    ``icontains`` first and cuts the pieces of the names that pass only, instead of every
    name's (185 ms for a book of 1,800 clients, now 12 ms); over a large scope the pieces'
    GIN index still finds the rows."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(name__icontains=text)
    return queryset.alias(name_grams=SearchGrams("name")).filter(
        name__icontains=text, name_grams__contains=SearchGrams(Value(text, output_field=TextField()))
    )


def search_by_group(queryset: QuerySet[Client], text: str) -> QuerySet[Client]:
    """Clients whose group client's name or code contains the text: the list's group filter
    is a search box, not a drop-down of every group in the scope (issue #31)."""
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(Q(group__name__icontains=text) | Q(group__code__icontains=text))


def visible_groups(user: User | Scope) -> QuerySet[ClientGroup]:
    """Groups the user may open: those with a member client in their scope, or led by
    someone in their scope (the lead manager themselves); all for admins."""
    scope = user if isinstance(user, Scope) else scope_for(user)
    if scope.sees_everything:
        return ClientGroup.objects.all()
    members = Client.objects.visible_to(scope).filter(group__isnull=False).order_by().values("group_id")
    return ClientGroup.objects.visible_to(scope) | ClientGroup.objects.filter(pk__in=members)


def get_group(user: User, pk: int) -> ClientGroup:
    """One group the user may see, or 404."""
    return get_object_or_404(visible_groups(user).select_related("tier", "lead_manager"), pk=pk)


def group_page(user: User, group: ClientGroup) -> dict:
    """The group page: its member clients and people in the user's scope, people split
    into key persons, VIP members (a card but no key role) and ordinary members. Three
    queries whatever the size of the group."""
    members = list(visible_clients(user).filter(group=group).select_related("tier", "owner").order_by("name", "pk"))
    hidden_members = group.members.count() - len(members)
    visible_ids = [member.pk for member in members]
    # Influencers recorded at other clients count too, when their client is in scope.
    in_group = Q(client_id__in=visible_ids) | Q(influences_group=group, client__in=visible_clients(user).values("pk"))
    people = list(
        Contact.objects.filter(in_group)
        .select_related("client", "vip_card")
        .order_by("client__name", "-is_key_person", "name", "pk")
    )
    key_persons = [c for c in people if c.is_key_person or c.key_person_type]
    vip_members = [c for c in people if not (c.is_key_person or c.key_person_type) and c.vip_card_id]
    ordinary = [c for c in people if not (c.is_key_person or c.key_person_type) and not c.vip_card_id]
    return {
        "members": members,
        "hidden_members": hidden_members,
        "key_persons": key_persons,
        "vip_members": vip_members,
        "ordinary_members": ordinary,
    }


def visible_proposals(user: User) -> QuerySet[GradeProposal]:
    """Proposals about clients in the user's scope (a manager's own clients, a
    supervisor's team's, everything for admins)."""
    return GradeProposal.objects.visible_to(user)


def pending_proposals(user: User) -> QuerySet[GradeProposal]:
    return (
        visible_proposals(user)
        .filter(status=GradeProposal.Status.PENDING)
        .select_related("client", "proposed_by", "current_tier", "proposed_tier")
        .order_by("created_at", "pk")
    )


def get_proposal(user: User, pk: int) -> GradeProposal:
    return get_object_or_404(
        visible_proposals(user).select_related(
            "client", "client__tier", "proposed_by", "current_tier", "proposed_tier", "team", "decided_by"
        ),
        pk=pk,
    )


def pending_proposal_for(client: Client) -> GradeProposal | None:
    return client.proposals.filter(status=GradeProposal.Status.PENDING).first()


def get_client(user: User, pk: int, *, for_detail: bool = False) -> Client:
    """One client in the user's scope, or 404."""
    queryset = Client.objects.select_related("tier", "owner", "team", "group", "group__tier", "group__lead_manager")
    if for_detail:
        pending = GradeProposal.objects.filter(client=OuterRef("pk"), status=GradeProposal.Status.PENDING)
        queryset = queryset.annotate(pending_proposal_id=Subquery(pending.values("pk")[:1])).prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.select_related("vip_card", "influences_group").order_by(
                    "-is_key_person", "name"
                ),
            )
        )
    return get_scoped_object_or_404(user, queryset, pk=pk)


def get_contact(user: User, pk: int) -> Contact:
    return get_scoped_object_or_404(user, Contact.objects.select_related("client"), pk=pk)
