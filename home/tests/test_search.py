"""The navigation's search box (issue #32, item 5): results within the user's scope only,
grouped, Enter on an exact code, number or phone opens that record, constant queries."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory, ClientGroupFactory, ContactFactory
from complaints.tests.factories import ComplaintFactory
from home import search

pytestmark = pytest.mark.django_db

URL = reverse("home:search")


@pytest.fixture
def world(manager, teammate, other_manager):
    group = ClientGroupFactory(code="GG-NORTH", name="Northwind Holdings", lead_manager=manager)
    mine = ClientFactory(owner=manager, code="C-ALPHA-1", name="Northwind Trading", phone="0571-8888 0001", group=group)
    ContactFactory(client=mine, name="Li Northwind", mobile="13800001111")
    theirs = ClientFactory(owner=other_manager, code="C-BRAVO-1", name="Northwind Hidden", phone="0571-9999 0001")
    ContactFactory(client=theirs, name="Wang Northwind", mobile="13900002222")
    teammates = ClientFactory(owner=teammate, code="C-ALPHA-2", name="Northwind Teammate")
    complaint = ComplaintFactory(client=mine)
    their_complaint = ComplaintFactory(client=theirs)
    return {
        "group": group,
        "mine": mine,
        "theirs": theirs,
        "teammates": teammates,
        "complaint": complaint,
        "their_complaint": their_complaint,
    }


def _page(client, user, q, **extra):
    client.force_login(user)
    return client.get(URL, {"q": q, **extra})


def test_each_group_is_found_within_scope(client, manager, world):
    response = _page(client, manager, "Northwind")
    assert response.status_code == 200
    groups = {group.key: group.rows for group in response.context["results"].groups}
    assert groups["clients"] == [world["mine"]]
    assert [contact.name for contact in groups["contacts"]] == ["Li Northwind"]
    assert groups["groups"] == [world["group"]]
    body = response.content.decode()
    for hidden in ("Northwind Hidden", "Wang Northwind", "Northwind Teammate", "C-BRAVO-1"):
        assert hidden not in body


def test_complaints_by_number_whole_or_short(client, manager, world):
    number = world["complaint"].number  # TS-<year>-000001
    short = number.rsplit("-", 1)[1][-3:]  # "001"
    for text in (number, number.lower(), short, number.split("-", 1)[1]):
        response = _page(client, manager, text, go="0")
        complaints = {group.key: group.rows for group in response.context["results"].groups}["complaints"]
        assert complaints == [world["complaint"]], text


def test_another_teams_client_never_appears_not_even_by_exact_code_or_phone(client, manager, world):
    theirs = world["theirs"]
    for text in (theirs.code, theirs.phone, "0571-99990001", "13900002222", world["their_complaint"].number):
        response = _page(client, manager, text)
        assert response.status_code == 200, text  # no redirect to it
        assert not response.context["results"].found, text
        body = response.content.decode()
        assert theirs.name not in body and str(theirs.owner) not in body


def test_the_supervisor_of_the_other_team_finds_it(client, other_supervisor, world):
    response = _page(client, other_supervisor, "Northwind")
    clients = {group.key: group.rows for group in response.context["results"].groups}["clients"]
    assert clients == [world["theirs"]]


def test_admin_finds_everyone(client, admin_user, world):
    response = _page(client, admin_user, "Northwind")
    clients = {group.key: group.rows for group in response.context["results"].groups}["clients"]
    assert set(clients) == {world["mine"], world["theirs"], world["teammates"]}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("C-ALPHA-1", "mine"),
        ("c-alpha-1", "mine"),
        ("0571-8888 0001", "mine"),
        ("057188880001", "mine"),
        ("138 0000 1111", "mine"),  # the contact's mobile opens their client
        ("GG-NORTH", "group"),
    ],
)
def test_enter_on_an_exact_code_or_phone_opens_the_record(client, manager, world, text, target):
    response = _page(client, manager, text)
    assert response.status_code == 302
    assert response["Location"] == world[target].get_absolute_url()


def test_enter_on_an_exact_complaint_number_opens_it(client, manager, world):
    response = _page(client, manager, world["complaint"].number)
    assert response.status_code == 302
    assert response["Location"] == world["complaint"].get_absolute_url()


def test_a_phone_shared_by_two_records_shows_the_results(client, manager, world):
    ClientFactory(owner=manager, code="C-ALPHA-3", name="Second shop", phone="0571-8888 0001")
    response = _page(client, manager, "0571-8888 0001")
    assert response.status_code == 200
    assert len({group.key: group.rows for group in response.context["results"].groups}["clients"]) == 2


def test_partial_text_shows_results_not_a_redirect(client, manager, world):
    response = _page(client, manager, "ALPHA")
    assert response.status_code == 200
    assert response.context["results"].found


def test_a_few_of_each_with_see_all_and_constant_queries(client, manager, world, django_assert_max_num_queries):
    client.force_login(manager)
    for n in range(12):
        ContactFactory(client=ClientFactory(owner=manager, name=f"Northwind branch {n}"), name=f"Northwind {n}")
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"q": "Northwind"})
    groups = {group.key: group for group in response.context["results"].groups}
    assert len(groups["clients"].rows) == search.PER_GROUP and groups["clients"].more
    assert len(groups["contacts"].rows) == search.PER_GROUP and groups["contacts"].more
    assert not groups["groups"].more
    assert groups["clients"].see_all == reverse("clients:list") + "?q=Northwind"
    assert 'data-testid="search-see-all-clients"' in response.content.decode()


def test_suggestions_are_the_same_results_as_json(client, manager, world):
    client.force_login(manager)
    response = client.get(reverse("home:search_suggest"), {"q": "Northwind"})
    data = response.json()
    labels = {row["label"] for row in data["results"]}
    assert "Northwind Trading" in labels and "Li Northwind" in labels and "Northwind Holdings" in labels
    assert "Northwind Hidden" not in labels and "Wang Northwind" not in labels
    assert {"kind", "label", "detail", "url"} <= set(data["results"][0])


@pytest.mark.parametrize("text", ["x" * 5000, "%", "_", "%_%", "a\x00b", "\x00\x00", "' OR 1=1 --", "   ", "€𝄞中"])
def test_hostile_input_gets_no_server_error(client, manager, world, text):
    response = _page(client, manager, text)
    assert response.status_code == 200
    client.force_login(manager)
    assert client.get(reverse("home:search_suggest"), {"q": text}).status_code == 200


def test_percent_and_underscore_are_plain_characters(client, manager, world):
    response = _page(client, manager, "%%")
    assert not response.context["results"].found


def test_the_search_box_is_in_the_navigation(client, manager):
    client.force_login(manager)
    body = client.get(reverse("home:start")).content.decode()
    assert f'action="{URL}"' in body and 'data-testid="nav-search"' in body


def test_anonymous_goes_to_login(client):
    response = client.get(URL, {"q": "Northwind"})
    assert response.status_code == 302 and "login" in response["Location"]
