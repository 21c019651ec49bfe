"""Searches of one or two characters (issue #31): a contact's name is often two Chinese
characters, which a trigram index cannot serve. Such a search matches names only (of the
client and of its contacts), on every database; on PostgreSQL it is read from the GIN index
of the names' one- and two-character pieces (clients migration 0014)."""

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import Client
from clients.selectors import search_clients
from clients.tests.factories import ClientFactory, ContactFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")


@pytest.mark.django_db
def test_a_two_character_search_finds_a_contact_and_a_client_by_name():
    by_contact = ClientFactory(name="Harbour Trading")
    ContactFactory(client=by_contact, name="程涛")
    by_name = ClientFactory(name="程涛物流")
    ContactFactory(client=ClientFactory(name="Elsewhere"), name="程刚")
    assert set(search_clients(Client.objects.all(), "程涛")) == {by_contact, by_name}
    assert set(search_clients(Client.objects.all(), " 涛 ")) == {by_contact, by_name}


@pytest.mark.django_db
def test_a_short_search_ignores_case_and_stays_within_the_queryset():
    mine = ClientFactory(name="Wu Holdings")
    other = ClientFactory(name="Nowu Partners")
    ContactFactory(client=ClientFactory(name="Far Away"), name="Amy Wu")
    found = search_clients(Client.objects.filter(pk__in=[mine.pk, other.pk]), "wU")
    assert set(found) == {mine, other}


@pytest.mark.django_db
def test_a_short_search_does_not_match_codes_or_phone_numbers():
    ClientFactory(name="Alpha", code="C12345", phone="0571-12345678")
    ContactFactory(client=ClientFactory(name="Beta"), name="Li", mobile="13912345678", office_phone="12")
    assert list(search_clients(Client.objects.all(), "12")) == []
    # From three characters on, codes and phones match as before.
    assert {c.name for c in search_clients(Client.objects.all(), "123")} == {"Alpha", "Beta"}


@pytest.mark.django_db
def test_the_list_and_the_api_search_the_same_way(client, admin_user):
    wanted = ClientFactory(name="Harbour Trading")
    ContactFactory(client=wanted, name="程涛")
    ClientFactory(name="Other")
    client.force_login(admin_user)
    page = client.get(reverse("clients:list"), {"q": "程涛"}).context["page"]
    assert list(page.object_list) == [wanted]
    api = client.get("/api/v1/clients/", {"q": "程涛"})
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["results"]] == [wanted.pk]


@postgres_only
@pytest.mark.django_db
def test_the_pieces_function_cuts_upper_cased_pieces_of_one_and_two():
    with connection.cursor() as cursor:
        cursor.execute("SELECT crm_search_grams(%s), crm_search_grams(%s)", ["Ab程", ""])
        pieces, empty = cursor.fetchone()
    assert sorted(pieces) == sorted(["A", "B", "程", "AB", "B程"])
    assert empty == []


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A tiny table (and whatever statistics earlier tests of this worker left): ask whether
        # the search's condition can be answered by an index at all, not by a walk of another
        # index (the (name, id) one) with a filter.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
@pytest.mark.django_db
def test_short_and_long_searches_read_the_name_indexes():
    ContactFactory(client=ClientFactory(name="Harbour"), name="程涛")
    short = _plan(search_clients(Client.objects.all(), "程涛"))
    assert "clients_client_name_grams" in short and "clients_contact_name_grams" in short
    long = _plan(search_clients(Client.objects.all(), "程涛华"))
    assert "clients_client_name_trgm" in long and "clients_contact_name_trgm" in long
