"""The visit type's checklist on the visit log: the web form (message next to the item,
nothing typed lost), the API (JSON list, or the web form's fields in a multipart post as the
phone's outbox sends them; 400 with the field), and hostile input (no 500)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.tests.factories import ClientFactory
from performance.tests.factories import created_on
from visits.models import VisitLog
from visits.tests.factories import MonthlyPlanFactory, PlannedVisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(manager, visit_types):
    MonthlyPlanFactory(owner=manager, status="approved")
    acme = ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")
    created_on(acme, timezone.now().replace(year=2020))
    return PlannedVisitFactory(owner=manager, client=acme, visit_type=visit_types["routine"])


def form_data(**extra):
    return {"submission": "web-1", "date": f"{timezone.localdate():%Y-%m-%d}", "method": "phone",
            "work_done": "Talked about the new rates", **extra}  # fmt: skip


def items(visit_type):
    return list(visit_type.checklist_items.order_by("position"))


# --- the web form ----------------------------------------------------------------------------------


def test_the_form_asks_for_the_types_checklist(client, manager, visit):
    client.force_login(manager)
    page = client.get(f"{reverse('visits:log')}?visit={visit.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="checklist"' in html
    for item in items(visit.visit_type):
        assert f'name="check_{item.pk}"' in html and f'name="check_{item.pk}_note"' in html
    assert f'name="visit_type" value="{visit.visit_type_id}"' in html


def test_a_required_item_missing_is_refused_next_to_the_item_and_nothing_is_lost(client, manager, visit):
    first, second, optional = items(visit.visit_type)
    client.force_login(manager)
    url = f"{reverse('visits:log')}?visit={visit.pk}"
    data = form_data(visit_type=visit.visit_type_id, **{f"check_{first.pk}": "on",
                     f"check_{second.pk}_note": "the buyer was out", f"check_{optional.pk}": "on"})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert not VisitLog.objects.exists()
    html = response.content.decode()
    # The message sits inside the missing item's block, not at the top of the page.
    block = re.search(rf'data-item="{second.pk}">(.*?)</div>\s*<label', html, re.S)[1]
    assert "is required" in block and second.text.replace("'", "&#x27;") in block
    first_block = re.search(rf'data-item="{first.pk}">(.*?)</div>\s*<label', html, re.S)[1]
    assert "is required" not in first_block
    assert "Talked about the new rates" in html and "the buyer was out" in html
    assert re.search(rf'name="check_{first.pk}"[^>]*checked', html)


def test_all_required_items_done_logs_the_visit_with_its_answers(client, manager, visit):
    first, second, optional = items(visit.visit_type)
    client.force_login(manager)
    data = form_data(visit_type=visit.visit_type_id, **{f"check_{first.pk}": "on", f"check_{second.pk}": "on",
                     f"check_{optional.pk}_note": "no competitor seen"})  # fmt: skip
    response = client.post(f"{reverse('visits:log')}?visit={visit.pk}", data)
    assert response.status_code == 302
    log = VisitLog.objects.get()
    assert log.visit_type == visit.visit_type
    assert sorted(log.checklist_answers.values_list("done", "note")) == [
        (False, "no competitor seen"), (True, ""), (True, "")]  # fmt: skip


def test_another_type_chosen_on_the_page_shows_its_checklist(client, manager, visit, visit_types):
    retention = visit_types["retention"]
    client.force_login(manager)
    page = client.get(f"{reverse('visits:log')}?visit={visit.pk}&type={retention.pk}")
    html = page.content.decode()
    assert all(f'name="check_{item.pk}"' in html for item in items(retention))
    assert not any(f'name="check_{item.pk}"' in html for item in items(visit.visit_type))


@pytest.mark.parametrize(
    "hostile",
    [
        {"visit_type": "abc"},
        {"visit_type": "999999999999999999999999"},
        {"check_99999999999999999999999": "on"},
        {"check_1_note": "x" * 5000},
        {"check_abc": "on", "check_-1": "on"},
    ],
)
def test_hostile_checklist_input_gets_an_answer_not_a_500(client, manager, visit, hostile):
    first, second, _optional = items(visit.visit_type)
    client.force_login(manager)
    data = form_data(**{"visit_type": visit.visit_type_id, f"check_{first.pk}": "on", f"check_{second.pk}": "on",
                        **hostile})  # fmt: skip
    response = client.post(f"{reverse('visits:log')}?visit={visit.pk}&type=abc", data)
    assert response.status_code in (200, 302)
    if "visit_type" in hostile:
        assert response.status_code == 200 and "out of date" in response.content.decode()


def test_the_form_fits_a_phone(client, manager, visit):
    """Nothing in the section is wider than the screen: no fixed widths, selects capped."""
    client.force_login(manager)
    html = client.get(f"{reverse('visits:log')}?visit={visit.pk}").content.decode()
    section = html[html.index('data-testid="log-visit-type"') : html.index('id="save-log"')]
    assert "style=" not in section and "mw-100" in section


# --- the API ----------------------------------------------------------------------------------------


@pytest.fixture
def api(manager):
    _token, raw = ApiToken.issue(manager, "phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def api_body(visit, **extra):
    return {"client": visit.client_id, "planned_visit": visit.pk, "date": f"{timezone.localdate():%Y-%m-%d}",
            "method": "phone", "work_done": "Visited", **extra}  # fmt: skip


def test_the_api_refuses_a_required_item_missing_with_its_field(api, visit):
    first, second, _optional = items(visit.visit_type)
    body = api_body(visit, checklist=[{"item": first.pk, "done": True}, {"item": second.pk, "done": False}])
    response = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == [f"check_{second.pk}"]
    assert second.text in fields[f"check_{second.pk}"][0]["message"]
    assert not VisitLog.objects.exists()


def test_the_api_logs_and_returns_the_checklist(api, visit):
    first, second, optional = items(visit.visit_type)
    body = api_body(visit, checklist=[{"item": first.pk, "done": True}, {"item": second.pk, "done": True},
                                      {"item": optional.pk, "done": False, "note": "closed"}])  # fmt: skip
    response = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["visit_type"] == visit.visit_type_id
    assert {(row["item"], row["done"], row["note"]) for row in data["checklist"]} == {
        (first.pk, True, ""), (second.pk, True, ""), (optional.pk, False, "closed")}  # fmt: skip
    again = api.get(f"/api/v1/visit-logs/{data['id']}/").json()
    assert again["checklist"] == data["checklist"]


def test_the_outbox_way_multipart_with_the_web_forms_fields(api, visit):
    """The phone's outbox replays the web form's fields to the API as they are."""
    first, second, _optional = items(visit.visit_type)
    body = api_body(visit, visit_type=str(visit.visit_type_id), **{f"check_{first.pk}": "on"})
    refused = api.post("/api/v1/visit-logs/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 400
    assert f"check_{second.pk}" in refused.json()["error"]["fields"]
    body[f"check_{second.pk}"] = "on"
    body[f"check_{second.pk}_note"] = "met the buyer"
    logged = api.post("/api/v1/visit-logs/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="k-4")
    assert logged.status_code == 201, logged.content
    assert VisitLog.objects.get().checklist_answers.get(item=second).note == "met the buyer"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"checklist": [{"item": "abc", "done": True}]}, "checklist"),
        ({"checklist": [{"item": 10**30, "done": True}]}, "checklist"),
        ({"checklist": [{"item": 10**15, "done": True}]}, "checklist"),
        ({"checklist": "not a list"}, "checklist"),
        ({"visit_type": 10**15}, "visit_type"),
        ({"visit_type": "abc"}, "visit_type"),
        ({"check_1_note": "x" * 600}, "check_1_note"),
    ],
)
def test_the_api_answers_hostile_checklists_with_a_400(api, visit, extra, field):
    response = api.post("/api/v1/visit-logs/", api_body(visit, **extra), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_items_of_another_type_are_refused_by_the_api(api, visit, visit_types):
    first, second, _optional = items(visit.visit_type)
    foreign = items(visit_types["retention"])[0]
    body = api_body(visit, checklist=[{"item": first.pk, "done": True}, {"item": second.pk, "done": True},
                                      {"item": foreign.pk, "done": True}])  # fmt: skip
    response = api.post("/api/v1/visit-logs/", body, format="json")
    assert response.status_code == 400
    assert "checklist" in response.json()["error"]["fields"]
