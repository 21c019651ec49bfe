"""Observations recorded on a visit log and on a call, through the web forms and the API
(JSON, and the offline phone's formset fields): one service keeps them with the client,
the log or the call, the manager and the day; a bad row refuses the whole log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.tests.factories import ClientFactory
from interactions.models import Interaction
from market.models import MarketObservation
from visits import rules, services
from visits.models import VisitLog

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def acme(manager, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")
    plan = services.start_plan(owner=manager, month=rules.month_start(TODAY), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return acme


def formset(*rows: dict) -> dict:
    data = {"observations-TOTAL_FORMS": str(len(rows)), "observations-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"observations-{index}-{name}": value for name, value in row.items()})
    return data


def api_for(user) -> APIClient:
    _token, raw = ApiToken.issue(user, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


VISIT = {"submission": "web-1", "date": f"{TODAY:%Y-%m-%d}", "method": "phone", "work_done": "Visited"}
CALL = {"submission": "call-1", "channel": "phone", "direction": "in", "occurred_at": "2026-11-18T09:30",
        "summary": "Asked about prices"}  # fmt: skip


def test_a_visit_log_keeps_its_observations_and_skips_empty_rows(client, manager, acme):
    client.force_login(manager)
    url = f"{reverse('visits:log')}?client={acme.pk}"
    page = client.get(url)
    assert b'name="observations-TOTAL_FORMS"' in page.content
    rows = formset(
        {"brand": "Red River", "product": "Soft pack", "price": "18.50", "promotion": "Buy 10 get 1",
         "shelf_position": "eye", "shelf_share": "40", "remark": "Moved next to ours"},
        {"brand": "", "product": "", "remark": ""},  # left empty: skipped
        {"brand": "Blue Sky", "shelf_share": "10"},
    )  # fmt: skip
    response = client.post(url, {**VISIT, **rows})
    assert response.status_code == 302
    log = VisitLog.objects.get()
    observations = list(MarketObservation.objects.order_by("pk"))
    assert [o.brand for o in observations] == ["Red River", "Blue Sky"]
    first = observations[0]
    assert (first.client, first.owner, first.team_id, first.visit_log, first.interaction) == (
        acme,
        manager,
        acme.team_id,
        log,
        None,
    )
    assert (first.price, first.shelf_share, first.shelf_position, first.observed_on) == (
        Decimal("18.50"),
        40,
        "eye",
        TODAY,
    )
    assert first.history.get().history_user == manager  # in the audit history


def test_a_bad_observation_refuses_the_log_with_the_message_next_to_the_field(client, manager, acme):
    client.force_login(manager)
    url = f"{reverse('visits:log')}?client={acme.pk}"
    response = client.post(url, {**VISIT, "market_anomalies": "keep me",
                                 **formset({"brand": "Red River", "shelf_share": "150"}, {"price": "12"})})  # fmt: skip
    assert response.status_code == 200
    observations = response.context["observations"]
    assert "shelf_share" in observations.forms[0].errors
    assert "brand" in observations.forms[1].errors  # a price without a brand
    assert "keep me" in response.content.decode()  # nothing typed is lost
    assert not VisitLog.objects.exists() and not MarketObservation.objects.exists()


def test_a_call_keeps_its_observations(client, manager, acme):
    client.force_login(manager)
    url = reverse("interactions:log", args=[acme.pk])
    assert b'data-testid="market-observations"' in client.get(url).content
    response = client.post(url, {**CALL, **formset({"brand": "Red River", "promotion": "Free lighter"})})
    assert response.status_code == 302
    observation = MarketObservation.objects.get()
    assert observation.interaction == Interaction.objects.get()
    assert observation.visit_log is None
    assert observation.promotion == "Free lighter"
    # The same call sent again is not a second call, nor second observations.
    client.post(url, {**CALL, **formset({"brand": "Red River", "promotion": "Free lighter"})})
    assert MarketObservation.objects.count() == 1


def test_the_api_takes_observations_on_a_visit_log_and_a_call(manager, acme):
    api = api_for(manager)
    body = {"client": acme.pk, "date": f"{TODAY:%Y-%m-%d}", "method": "phone", "work_done": "Visited",
            "observations": [{"brand": "Red River", "price": "18.5", "shelf_position": "top"}]}  # fmt: skip
    response = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    assert response.status_code == 201, response.content
    again = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    observation = MarketObservation.objects.get()
    assert observation.visit_log_id == response.json()["id"] and observation.price == Decimal("18.50")
    # The answer, its replay and a later read show what was recorded (the outbox can confirm it).
    for answer in (response.json(), again.json(), api.get(f"/api/v1/visit-logs/{observation.visit_log_id}/").json()):
        assert [(o["id"], o["brand"], o["price"], o["shelf_position"]) for o in answer["observations"]] == [
            (observation.pk, "Red River", "18.50", "top")
        ]

    call = {"client": acme.pk, "channel": "phone", "summary": "Prices",
            "observations": [{"brand": "Blue Sky", "shelf_share": 25}]}  # fmt: skip
    response = api.post("/api/v1/interactions/", call, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert response.status_code == 201, response.content
    assert MarketObservation.objects.get(brand="Blue Sky").interaction_id == response.json()["id"]
    assert [(o["brand"], o["shelf_share"]) for o in response.json()["observations"]] == [("Blue Sky", 25)]
    listed = api.get("/api/v1/interactions/").json()["results"]
    assert [o["brand"] for row in listed for o in row["observations"]] == ["Blue Sky"]


def test_the_offline_phone_sends_the_forms_own_fields_as_multipart(manager, acme):
    api = api_for(manager)
    body = {"client": acme.pk, "date": f"{TODAY:%Y-%m-%d}", "method": "phone", "work_done": "Visited",
            **formset({"brand": "Red River", "shelf_share": "30"})}  # fmt: skip
    response = api.post("/api/v1/visit-logs/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="o-1")
    assert response.status_code == 201, response.content
    assert MarketObservation.objects.get().shelf_share == 30


@pytest.mark.parametrize(
    "observations",
    [
        [{"brand": ""}],
        [{"brand": "X", "shelf_share": 101}],
        [{"brand": "X", "price": -1}],
        [{"brand": "X", "shelf_position": "ceiling"}],
        [{"brand": "X" * 121}],
        [{"brand": f"X{n}"} for n in range(11)],
        "not json",
        {"brand": "X"},
        [["X"]],
    ],
)
def test_the_api_refuses_a_bad_observation_and_logs_nothing(manager, acme, observations):
    api = api_for(manager)
    body = {"client": acme.pk, "date": f"{TODAY:%Y-%m-%d}", "method": "phone", "work_done": "Visited",
            "observations": observations}  # fmt: skip
    response = api.post("/api/v1/visit-logs/", body, format="json")
    assert response.status_code == 400, response.content
    assert "observations" in response.content.decode()
    assert not VisitLog.objects.exists() and not MarketObservation.objects.exists()


def test_the_offline_formset_with_a_bad_row_is_refused(manager, acme):
    api = api_for(manager)
    body = {"client": acme.pk, "channel": "phone", "summary": "Prices", **formset({"shelf_share": "30"})}
    response = api.post("/api/v1/interactions/", body, format="multipart")
    assert response.status_code == 400
    assert not Interaction.objects.exists() and not MarketObservation.objects.exists()
