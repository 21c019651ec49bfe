"""The client picker of the visit forms (issue #31): a search box asking ``clients:pick`` as one
types, instead of a list of the manager's whole book. The endpoint answers within the user's
scope (accounts.scoping), a manager's own book with ``?owner=``, never a lost client, at most
``PICK_LIMIT`` clients in the same few queries; the field accepts the owner's own clients only,
by the chosen id or, without JavaScript, by a code or name resolved on the server."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.forms import ClientPickerField
from clients.models import Client
from clients.selectors import PICK_LIMIT, clients_named, pickable_clients
from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules, services
from visits.forms import TemporaryTaskForm, VisitForm
from visits.models import PlannedVisit, TemporaryTask

pytestmark = pytest.mark.django_db

PICK = reverse("clients:pick")
TODAY = clock.TODAY


def approved_plan_for(manager, day, supervisor):
    ClientFactory(owner=manager, name="Planned Shop")
    plan = services.start_plan(owner=manager, month=rules.month_start(day), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)


def names(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["label"] for row in response.json()["results"]]


@pytest.fixture
def books(manager, teammate, other_manager):
    return {
        "own": ClientFactory(owner=manager, name="Lotus Tea House", code="LT-001"),
        "lost": ClientFactory(owner=manager, name="Lotus Old Mill", code="LT-002", status=Client.Status.LOST),
        "teammate": ClientFactory(owner=teammate, name="Lotus Teammate Shop", code="LT-003"),
        "other": ClientFactory(owner=other_manager, name="Lotus Hidden Bank", code="LT-004"),
    }


# --- the endpoint ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(f"{PICK}?q=Lotus")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_manager_gets_their_own_clients_that_are_not_lost(client, manager, books):
    client.force_login(manager)
    assert names(client.get(f"{PICK}?q=Lotus")) == ["Lotus Tea House"]
    assert names(client.get(f"{PICK}?q=Lotus&owner={manager.pk}")) == ["Lotus Tea House"]
    assert names(client.get(f"{PICK}?q=lt-0")) == ["Lotus Tea House"]  # by code too
    response = client.get(f"{PICK}?q=Lotus")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = response.json()
    assert body == {
        "query": "Lotus",
        "results": [{"id": books["own"].pk, "label": "Lotus Tea House", "detail": "LT-001"}],
        "more": False,
    }


def test_another_managers_clients_are_never_returned(client, manager, teammate, other_manager, books):
    client.force_login(manager)
    for query in ("Lotus", "Hidden", "LT-004", "Teammate"):
        for owner in ("", f"&owner={manager.pk}"):
            found = names(client.get(f"{PICK}?q={query}{owner}"))
            assert found in (["Lotus Tea House"], []), (query, found)
    # asking for another manager's book is asking for someone out of scope: 404
    assert client.get(f"{PICK}?q=Lotus&owner={teammate.pk}").status_code == 404
    assert client.get(f"{PICK}?q=Lotus&owner={other_manager.pk}").status_code == 404


def test_a_supervisor_and_an_admin_see_as_the_scoping_module_says(
    client, supervisor, other_supervisor, admin_user, manager, teammate, other_manager, books
):
    client.force_login(supervisor)
    assert names(client.get(f"{PICK}?q=Lotus")) == ["Lotus Tea House", "Lotus Teammate Shop"]
    assert names(client.get(f"{PICK}?q=Lotus&owner={teammate.pk}")) == ["Lotus Teammate Shop"]
    assert client.get(f"{PICK}?q=Lotus&owner={other_manager.pk}").status_code == 404
    client.force_login(other_supervisor)
    assert names(client.get(f"{PICK}?q=Lotus")) == ["Lotus Hidden Bank"]
    client.force_login(admin_user)
    assert names(client.get(f"{PICK}?q=Lotus")) == [
        "Lotus Hidden Bank", "Lotus Tea House", "Lotus Teammate Shop"
    ]  # fmt: skip
    assert names(client.get(f"{PICK}?q=Lotus&owner={other_manager.pk}")) == ["Lotus Hidden Bank"]


def test_results_are_capped_in_the_same_few_queries(client, manager, django_assert_num_queries):
    client.force_login(manager)
    ClientFactory(owner=manager, name="Rose Garden 00")
    with CaptureQueriesContext(connection) as few:
        assert names(client.get(f"{PICK}?q=Rose&owner={manager.pk}")) == ["Rose Garden 00"]
    assert len(few) <= 4  # the session and the user, the owner asked for, the clients
    ClientFactory.create_batch(PICK_LIMIT * 2, owner=manager, name="Rose Garden")
    with django_assert_num_queries(len(few)):
        body = client.get(f"{PICK}?q=Rose&owner={manager.pk}").json()
    assert len(body["results"]) == PICK_LIMIT and body["more"] is True


@pytest.mark.parametrize(
    "query",
    [
        "q=%00", "q=Lo%00tus", "q=" + "x" * 20_000, "q=", "owner=%00", "owner=" + "9" * 40, "owner=-1",
        "owner=1e9", "owner=٣", "q=%27%20OR%201%3D1", "q=<script>", "owner=99999999999&q=Lotus",
    ],
)  # fmt: skip
def test_hostile_queries_answer_without_a_server_error(client, manager, books, query):
    client.force_login(manager)
    response = client.get(f"{PICK}?{query}")
    assert response.status_code in {200, 404}
    if response.status_code == 200:
        assert set(names(response)) <= {"Lotus Tea House"}


def test_a_nul_byte_is_left_out_of_the_search(client, manager, books):
    client.force_login(manager)
    assert names(client.get(f"{PICK}?q=Lot%00us")) == ["Lotus Tea House"]


# --- the field ------------------------------------------------------------------------------


def visit_form(manager, **data):
    return VisitForm({"date": f"{TODAY:%Y-%m-%d}", **data}, owner=manager)


def test_the_chosen_id_is_one_of_the_owners_clients_not_lost(manager, books):
    assert visit_form(manager, client=books["own"].pk).is_valid()
    for other in ("lost", "teammate", "other"):
        form = visit_form(manager, client=books[other].pk, client_text=books[other].name)
        assert not form.is_valid()
        assert form.errors["client"] == ["Choose one of your clients."]


def test_without_javascript_the_text_is_resolved_on_the_server(manager, books):
    ClientFactory(owner=manager, name="Lotus Tea House Annex", code="LT-010")
    # the code, in any case
    form = visit_form(manager, client_text=" lt-001 ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["client"] == books["own"]
    # the whole name, even when a longer name contains it
    form = visit_form(manager, client_text="lotus tea house")
    assert form.is_valid() and form.cleaned_data["client"] == books["own"]
    # a part of the name that only one client has
    form = visit_form(manager, client_text="Annex")
    assert form.is_valid() and form.cleaned_data["client"].code == "LT-010"
    # several: say more
    form = visit_form(manager, client_text="Lotus")
    assert form.errors["client"] == ["Several of your clients match “Lotus”: type more of the name, or the code."]
    # none among the owner's (the lost one, a teammate's and another team's are not theirs)
    for text in ("Old Mill", "LT-003", "Hidden Bank", "Nothing like it"):
        form = visit_form(manager, client_text=text)
        assert form.errors["client"] == [f"None of your clients matches “{text}”."], text


def test_the_chosen_id_wins_over_the_text(manager, books):
    form = visit_form(manager, client=books["own"].pk, client_text="anything the box still shows")
    assert form.is_valid() and form.cleaned_data["client"] == books["own"]


@pytest.mark.parametrize(
    "data",
    [
        {"client": "\x00"}, {"client": "1\x00"}, {"client_text": "\x00"}, {"client": "9" * 40},
        {"client": "99999999999999999"}, {"client": "-1"}, {"client": "1.5"}, {"client": "٣"},
        {"client": "<script>"}, {"client_text": "x" * 20_000}, {"client_text": "' OR 1=1 --"},
        {"client": ""}, {},
    ],
)  # fmt: skip
def test_bad_input_is_a_field_error(manager, books, data):
    form = visit_form(manager, **data)
    assert not form.is_valid()
    assert form.errors["client"]


def test_a_required_picker_says_so_and_an_optional_one_is_empty(manager, books):
    assert visit_form(manager).errors["client"] == ["This field is required."]
    form = TemporaryTaskForm({"description": "Branch event", "client_text": "  "}, owner=manager)
    assert form.is_valid() and form.cleaned_data["client"] is None
    form = TemporaryTaskForm({"description": "Branch event", "client": books["lost"].pk}, owner=manager)
    assert form.errors["client"] == ["Choose one of your clients."]


def test_a_form_shown_again_keeps_what_was_typed_and_chosen(manager, books):
    html = str(visit_form(manager, client=books["own"].pk, client_text="Lotus Tea House")["client"])
    assert 'value="Lotus Tea House"' in html and f'value="{books["own"].pk}"' in html
    html = str(visit_form(manager, client_text="<b>Lotus")["client"])
    assert 'value="&lt;b&gt;Lotus"' in html and "<b>" not in html
    # an initial client (a link's ?client=) shows its name
    form = VisitForm(owner=manager, initial={"client": books["own"].pk})
    assert 'value="Lotus Tea House"' in str(form["client"])
    form = VisitForm(owner=manager, initial={"client": books["other"].pk})
    assert "Hidden" not in str(form["client"])


def test_the_field_and_the_endpoint_share_one_rule(manager, books):
    field = ClientPickerField()
    field.for_owner(manager)
    assert list(field.queryset) == list(pickable_clients(manager, owner=manager)) == [books["own"]]
    assert clients_named(field.queryset, "LT-001") == [books["own"]]


# --- the pages ------------------------------------------------------------------------------


def test_the_sheet_and_the_schedule_no_longer_list_the_book(client, manager, supervisor, django_assert_max_num_queries):
    approved_plan_for(manager, TODAY, supervisor)
    client.force_login(manager)
    ClientFactory(owner=manager)
    sizes = {}
    for url in (reverse("visits:sheet"), reverse("visits:schedule")):
        sizes[url] = len(client.get(url).content)
    ClientFactory.create_batch(300, owner=manager)
    for url in (reverse("visits:sheet"), reverse("visits:schedule")):
        with django_assert_max_num_queries(8):
            response = client.get(url)
        html = response.content.decode()
        assert 'name="client_text"' in html and "<option" not in html.split('name="client_text"')[0][-2000:]
        assert html.count("<option") < 20  # the visit types only, not 300 clients
        assert len(response.content) < sizes[url] + 500  # the book's size does not weigh the page


def test_a_visit_and_a_task_are_saved_from_the_typed_text(client, manager, supervisor, books):
    approved_plan_for(manager, TODAY, supervisor)
    client.force_login(manager)
    response = client.post(
        reverse("visits:schedule_add"), {"client_text": "LT-001", "date": f"{TODAY:%Y-%m-%d}"}, follow=True
    )
    assert PlannedVisit.objects.filter(client=books["own"], date=TODAY).exists()
    response = client.post(
        reverse("visits:schedule_add"), {"client_text": "Hidden", "date": f"{TODAY:%Y-%m-%d}"}, follow=True
    )
    assert "None of your clients matches “Hidden”." in response.content.decode()
    client.post(reverse("visits:task_add"), {"day": f"{TODAY:%Y-%m-%d}", "description": "Tea", "client_text": "tea h"})
    assert TemporaryTask.objects.get().client == books["own"]
