"""Likely duplicates of a client about to be created (issue #32, item 6): the one rule that
the new-client form, the API and the import's preview ask.

A client is a likely duplicate of a new one when its name is very similar, or when its
phone is the same number (``rules.phone_digits``: spacing, dashes and the country code
aside). On PostgreSQL "very similar" is ``pg_trgm``'s trigram similarity of the upper-cased
names at or above ``CRM_DUPLICATE_NAME_SIMILARITY``, found through the client search's
trigram index on ``UPPER(name::text)`` (migration 0012) with the ``%`` operator; on SQLite,
which has no trigrams, the same name once case, spaces and punctuation are left out, or
one name containing the other.

Who may learn what (scope, ``accounts.scoping``): a duplicate the user may see is named
with its code and owner; one they may not see is only said to exist ("a similar client
exists in a book you cannot see, ask your supervisor"), once, without its name, code, owner or
how many there are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Length, Lower, StrIndex
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import Scope, scope_for

from . import rules
from .models import Client
from .selectors import rows_by_phone

SHOWN = 5  # at most this many named duplicates per new client
NAME_MATCHES = 20  # at most this many similar names read per new client (the most similar)


@dataclass(frozen=True)
class Candidate:
    """A client about to be created: what is compared."""

    name: str
    phone: str = ""


@dataclass(frozen=True)
class Duplicate:
    """One likely duplicate. ``client`` is None when the user may not see it: then nothing
    of it is shown but that it exists."""

    client: Client | None
    similar_name: bool = False
    same_phone: bool = False

    @property
    def hidden(self) -> bool:
        return self.client is None

    @property
    def message(self) -> str:
        """What the form, the API and the import say of it: the client named only when the
        user may see it."""
        if self.hidden:
            return _("A similar client exists in a book you cannot see: ask your supervisor.")
        return _("Likely duplicate of %(client)s (%(code)s), account manager %(owner)s.") % {
            "client": self.client.name,
            "code": self.client.code,
            "owner": self.client.owner,
        }


def threshold() -> float:
    return float(settings.CRM_DUPLICATE_NAME_SIMILARITY)


def normalised_name(name: str) -> str:
    """The name as compared on SQLite: case, width, spaces and punctuation left out."""
    name = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in name if ch.isalnum())


def likely_duplicates(user: User, *, name: str, phone: str = "", scope: Scope | None = None) -> list[Duplicate]:
    """The likely duplicates of one new client, as this user may learn of them."""
    return likely_duplicates_of_many(user, [Candidate(name=name, phone=phone)], scope=scope)[0]


def likely_duplicates_of_many(
    user: User, candidates: Sequence[Candidate], *, scope: Scope | None = None
) -> list[list[Duplicate]]:
    """The likely duplicates of each new client (an import's rows), in a few queries on
    PostgreSQL whatever the number of rows (every name and phone in one query through the
    trigram indexes, then the clients found with whether the user may see them)."""
    scope = scope or scope_for(user)
    # Compared without NUL characters, which PostgreSQL refuses even in a lookup (an
    # import's cell may hold one; the row itself is refused by its form).
    candidates = [Candidate(c.name.replace("\x00", ""), (c.phone or "").replace("\x00", "")) for c in candidates]
    if connection.vendor == "postgresql":
        matches = _matches_postgresql(candidates)
    else:
        matches = _matches_by_normalised_name(candidates)
    phone_matches = _phone_matches(candidates, matches)
    found_ids = {pk for per in matches for pk in per} | {pk for per in phone_matches for pk in per}
    if not found_ids:
        return [[] for _ in candidates]
    visible = Client.objects.visible_to(scope).filter(pk=OuterRef("pk"))
    clients = {
        client.pk: client
        for client in Client.objects.filter(pk__in=found_ids)
        .select_related("owner", "team")
        .annotate(in_scope=Exists(visible))
        .order_by()
    }
    out = []
    for name_ids, phone_ids in zip(matches, phone_matches, strict=True):
        shown, hidden = [], False
        for pk in [*name_ids, *(pk for pk in phone_ids if pk not in name_ids)]:
            client = clients.get(pk)
            if client is None:
                continue
            if not client.in_scope:
                hidden = True
            elif len(shown) < SHOWN:
                shown.append(Duplicate(client, similar_name=pk in name_ids, same_phone=pk in phone_ids))
        out.append(shown + ([Duplicate(None)] if hidden else []))
    return out


def _matches_postgresql(candidates: Sequence[Candidate]) -> list[list[int]]:
    """Ids of the clients with a similar name, most similar first, for each candidate: one
    query, each name looked up in the trigram index by ``%`` (measured at 100,000 generated
    clients, whose names share their city and "有限公司": about 30 ms a name)."""
    names = [(c.name or "").strip()[:200] for c in candidates]
    sql = """
        SELECT n.i, m.id FROM unnest(%s::text[]) WITH ORDINALITY AS n(name, i)
        CROSS JOIN LATERAL (
            SELECT c.id, similarity(UPPER(c.name::text), UPPER(n.name)) AS score
            FROM clients_client c
            WHERE n.name <> '' AND UPPER(c.name::text) %% UPPER(n.name)
              AND similarity(UPPER(c.name::text), UPPER(n.name)) >= %s
            ORDER BY score DESC, c.id
            LIMIT %s
        ) m
        ORDER BY n.i
    """
    out: list[list[int]] = [[] for _ in candidates]
    # ``%`` uses pg_trgm's threshold (0.3 by default) to choose what the index returns: set to
    # ours for this transaction, the index returns a tenth of the rows to check (4x faster).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold())])
        cursor.execute(sql, [names, threshold(), NAME_MATCHES])
        for index, pk in cursor.fetchall():
            out[index - 1].append(pk)
    return out


def _matches_by_normalised_name(candidates: Sequence[Candidate]) -> list[list[int]]:
    """SQLite (development and tests), which has no trigrams: a name containing the new one,
    or contained in it, case aside; then the same once spaces and punctuation are left out.
    One query per candidate."""
    out = []
    for candidate in candidates:
        typed = (candidate.name or "").strip()[:200]
        wanted = normalised_name(typed)
        if len(wanted) < 2:
            out.append([])
            continue
        contains = Q(name__icontains=typed) | Q(within__gt=0, name_length__gte=3)
        rows = (
            Client.objects.annotate(within=StrIndex(Value(typed.lower()), Lower("name")), name_length=Length("name"))
            .filter(contains)
            .order_by("pk")
            .values_list("pk", "name")[: NAME_MATCHES * 5]
        )
        found = [pk for pk, name in rows if (other := normalised_name(name)) and (wanted in other or other in wanted)]
        out.append(found[:NAME_MATCHES])
    return out


def _phone_matches(candidates: Sequence[Candidate], name_matches: list[list[int]]) -> list[list[int]]:
    """Ids of the clients with the same phone number, for each candidate
    (``selectors.rows_by_phone``: one query for up to ``PHONE_BATCH`` numbers)."""
    digits = [rules.phone_digits(c.phone) for c in candidates]
    by_digits = rows_by_phone(Client.objects.only("pk", "phone"), digits, ("phone",))
    return [[row.pk for row in by_digits.get(d, [])] if d else [] for d in digits]
