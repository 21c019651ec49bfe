"""Likely duplicates before a new client is saved (issue #32, item 6): one rule
(clients/duplicates.py) for the form, the API and the import; a duplicate the user may see
is named with its owner, one they may not see is only said to exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tests.test_api import api_for
from clients.duplicates import likely_duplicates
from clients.models import Client
from clients.rules import phone_digits
from clients.tests.factories import ClientFactory, default_tier
from clients.tests.test_import_export import HEADER, post_file, upload

pytestmark = pytest.mark.django_db

HIDDEN = "A similar client exists in a book you cannot see: ask your supervisor."


def form_data(**overrides):
    data = {
        "code": "NEW-1",
        "name": "Hangzhou Dragon Well Tea Co",
        "client_type": "enterprise",
        "industry": "retail",
        "size": "medium",
        "status": "active",
        "tier": default_tier("standard").pk,
        "visit_method": "on_site",
        "phone": "0571-1234 5678",
        "address": "1 Lake Road",
    }
    data.update(overrides)
    return data


@pytest.fixture
def mine(manager):
    return ClientFactory(owner=manager, code="MINE-1", name="Hangzhou Dragon Well Tea Company", phone="0571-8000 0001")


@pytest.fixture
def theirs(other_manager):
    return ClientFactory(owner=other_manager, code="THEIRS-1", name="Secret Bravo Trading", phone="+86 139 0000 1234")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("+86 139-0000-1234", "13900001234"),
        ("0086 13900001234", "13900001234"),
        ("139 0000 1234", "13900001234"),
        ("0571-8888 0001", "057188880001"),
        ("12345", ""),  # too short to be a phone
        ("", ""),
        ("１３９", ""),  # full-width digits are not read as a number
    ],
)
def test_phone_digits(typed, digits):
    assert phone_digits(typed) == digits


def test_a_similar_name_in_scope_is_named(manager, mine):
    found = likely_duplicates(manager, name="Hangzhou Dragon Well Tea Co")
    assert [d.client for d in found] == [mine]
    assert found[0].similar_name and not found[0].same_phone


def test_a_different_name_is_no_duplicate(manager, mine):
    assert likely_duplicates(manager, name="Ningbo Harbour Logistics") == []


def test_the_same_phone_however_written(manager, theirs, supervisor, other_supervisor):
    # Outside the manager's scope: said to exist, nothing more.
    found = likely_duplicates(manager, name="Quite Another Name", phone="13900001234")
    assert len(found) == 1 and found[0].hidden and found[0].client is None
    # Their own supervisor sees it, named, found by its phone.
    found = likely_duplicates(other_supervisor, name="Quite Another Name", phone="139-0000-1234")
    assert [d.client for d in found] == [theirs] and found[0].same_phone


def test_hidden_duplicates_are_one_line_whatever_their_number(manager, other_manager):
    for n in range(3):
        ClientFactory(owner=other_manager, name=f"Secret Bravo Trading {n}")
    found = likely_duplicates(manager, name="Secret Bravo Trading")
    assert len(found) == 1 and found[0].hidden


# --- the web form ---------------------------------------------------------------------------


def test_the_form_shows_the_duplicate_and_keeps_what_was_typed(client, manager, mine):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), form_data())
    assert response.status_code == 200
    assert not Client.objects.filter(code="NEW-1").exists()
    body = response.content.decode()
    assert 'data-testid="duplicates"' in body
    assert mine.name in body and mine.code in body and str(manager) in body
    assert 'value="1 Lake Road"' in body and 'value="NEW-1"' in body  # nothing typed is lost
    assert 'type="checkbox" name="confirm_duplicates"' in body


def test_save_anyway_creates_the_client(client, manager, mine):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), form_data(confirm_duplicates="on"))
    assert response.status_code == 302
    created = Client.objects.get(code="NEW-1", owner=manager)
    assert created.history.earliest().history_change_reason == "Created, likely duplicates confirmed"


def test_no_duplicate_saves_at_once(client, manager, mine):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), form_data(name="Ningbo Harbour Logistics"))
    assert response.status_code == 302


def test_another_teams_duplicate_is_not_named(client, manager, theirs, other_manager):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), form_data(name="Secret Bravo Trading Co", phone=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert HIDDEN in body
    # Only what was typed: none of the other client's own name, code, phone or owner.
    for secret in ("THEIRS-1", str(other_manager), other_manager.username, "139 0000 1234", theirs.get_absolute_url()):
        assert secret not in body
    assert 'data-testid="duplicate"' not in body


def test_editing_a_client_asks_nothing(client, manager, mine):
    ClientFactory(owner=manager, name="Hangzhou Dragon Well Tea Co.")
    client.force_login(manager)
    data = form_data(code=mine.code, name=mine.name, phone=mine.phone)
    data.pop("tier")  # a manager's edit form has no grade fields
    for name in ("client_type", "size"):
        data.pop(name)
    response = client.post(reverse("clients:edit", args=[mine.pk]), data)
    assert response.status_code == 302


# --- the API --------------------------------------------------------------------------------


def api_data(**overrides):
    data = {"code": "API-1", "name": "Hangzhou Dragon Well Tea Co", "tier": "standard", "phone": "0571-1234 5678"}
    data.update(overrides)
    return data


def test_api_answers_409_with_the_duplicates(manager, mine):
    response = api_for(manager).post("/api/v1/clients/", api_data(), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "likely_duplicates"
    assert body["duplicates"] == [
        {
            "hidden": False,
            "id": mine.pk,
            "code": mine.code,
            "name": mine.name,
            "owner": str(manager),
            "similar_name": True,
            "same_phone": False,
            "message": f"Likely duplicate of {mine.name} ({mine.code}), account manager {manager}.",
        }
    ]
    assert not Client.objects.filter(code="API-1").exists()


def test_api_confirm_creates(manager, mine):
    response = api_for(manager).post("/api/v1/clients/", api_data(confirm_duplicates=True), format="json")
    assert response.status_code == 201, response.json()
    created = Client.objects.get(code="API-1")
    assert (created.owner, response.json()["id"]) == (manager, created.pk)


def test_api_hides_another_teams_duplicate(manager, theirs, other_manager):
    response = api_for(manager).post(
        "/api/v1/clients/", api_data(name="Other name entirely", phone="139 0000 1234"), format="json"
    )
    assert response.status_code == 409
    duplicates = response.json()["duplicates"]
    assert duplicates == [
        {
            "hidden": True,
            "id": None,
            "code": None,
            "name": None,
            "owner": None,
            "similar_name": False,
            "same_phone": False,
            "message": HIDDEN,
        }
    ]
    assert theirs.name not in response.content.decode() and str(other_manager) not in response.content.decode()


def test_api_create_without_duplicates_and_bad_input(manager, other_manager):
    api = api_for(manager)
    assert api.post("/api/v1/clients/", api_data(name="Ningbo Harbour Logistics"), format="json").status_code == 201
    assert api.post("/api/v1/clients/", api_data(code="API-1", name="Ningbo"), format="json").status_code == 400
    not_mine = api_data(code="API-2", owner=other_manager.pk)
    assert api.post("/api/v1/clients/", not_mine, format="json").status_code == 400
    for hostile in ({"name": "x" * 5000}, {"name": "a\x00b"}, {"tier": "nope"}, {"phone": "%_%"}, {"owner": 10**30}):
        assert api.post("/api/v1/clients/", api_data(code="API-3", **hostile), format="json").status_code == 400


# --- the import -----------------------------------------------------------------------------


def test_the_import_warns_by_row_with_the_same_scope_rule(client, supervisor, manager, mine, theirs):
    client.force_login(supervisor)
    text = HEADER + (
        "N-001,Hangzhou Dragon Well Tea Co,standard,,mgr_a1,active,,,,\n"
        "N-002,Ningbo Harbour Logistics,standard,,mgr_a1,active,,,,\n"
        "N-003,Fresh name,standard,,mgr_a1,active,139 0000 1234,,,\n"
        f"{mine.code},{mine.name},standard,,mgr_a1,active,,,,\n"  # an update is not a duplicate
    )
    response = post_file(client, upload(text))
    report = response.context["report"]
    assert report.ok, report.errors
    warnings = [(w.line, w.column, w.message) for w in report.warnings]
    assert warnings == [
        (2, "name", f"Likely duplicate of {mine.name} ({mine.code}), account manager {manager}."),
        (4, "name", HIDDEN),
    ]
    body = response.content.decode()
    assert 'data-testid="import-warnings"' in body and theirs.name not in body and theirs.code not in body
    assert response.context["token"]  # warnings do not stop the import


def test_the_import_reads_duplicates_in_a_fixed_number_of_queries(client, supervisor, manager, mine):
    client.force_login(supervisor)

    def queries_for(rows: int) -> int:
        lines = (f"Q-{n:03d},Name {n},standard,,mgr_a1,active,0571-5555{n:04d},,,\n" for n in range(rows))
        text = HEADER + "".join(lines)
        with CaptureQueriesContext(connection) as captured:
            from clients import imports

            imports.duplicate_warnings(imports.load_upload(upload(text)), supervisor)
        return len(captured)

    few, many = queries_for(2), queries_for(20)
    if connection.vendor == "postgresql":
        assert few == many
    else:  # SQLite has no trigrams: one name query per row, the rest fixed
        assert many - few == 18
