"""A NUL character (which PostgreSQL refuses to store or even compare) or an out-of-range
month in the new pages' and API's input gets a clear answer, never a 500 (review of #31/#32).
On SQLite these pass either way; .ci/run runs them on PostgreSQL, where they failed before."""

import pytest

from api.tests.test_api import api_for
from clients.duplicates import Candidate, likely_duplicates_of_many
from clients.tests.factories import ClientFactory
from visits.forms_checklist import checklist_from_fields

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


def test_market_page_and_export_take_any_brand_and_month(client, supervisor):
    client.force_login(supervisor)
    for params in ({"brand": NUL}, {"month": "9999-12"}, {"month": "0001-01"}, {"brand": NUL, "month": "2026-13"}):
        assert client.get("/market/", params).status_code == 200, params
        assert client.get("/market/export.csv", params).status_code == 200, params


def test_spot_check_client_search_takes_a_nul(client, supervisor, manager):
    ClientFactory(owner=manager, name="ab shop")
    client.force_login(supervisor)
    assert client.get("/inspections/new/", {"q": NUL}).status_code == 200


def test_api_client_create_refuses_a_nul_in_code_and_tier(manager):
    answer = api_for(manager).post(
        "/api/v1/clients/", {"code": NUL, "name": "Shop", "tier": NUL}, format="json", HTTP_IDEMPOTENCY_KEY="nul-1"
    )
    assert answer.status_code == 400
    assert "code" in answer.content.decode() and "tier" in answer.content.decode()


def test_checklist_note_with_a_nul_is_an_error_on_its_field():
    answers, errors = checklist_from_fields({"check_1": "on", "check_1_note": NUL})
    assert answers[1] == (True, "") and list(errors) == ["check_1_note"]


def test_duplicate_check_of_an_import_takes_a_nul(manager):
    ClientFactory(owner=manager, name="Lotus Shop", phone="13800000000")
    found = likely_duplicates_of_many(manager, [Candidate("Lotus\x00 Shop", "1380000\x000000")])
    assert found[0] and found[0][0].client is not None
