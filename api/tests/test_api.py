from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, IdempotencyRecord, hash_token
from clients.models import Client
from clients.tests.factories import ClientFactory, ContactFactory
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint
from interactions.models import FollowUpTask, Interaction
from notifications.tests.factories import NotificationFactory
from visits import rules
from visits import services as visit_services
from visits.models import PlannedVisit, VisitLog
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    _token, raw = ApiToken.issue(user, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


# --- tokens ---------------------------------------------------------------------------------------


def test_a_token_is_created_on_the_profile_shown_once_stored_hashed_and_revoked(client, manager):
    client.force_login(manager)
    page = client.post(reverse("api_tokens:create"), {"name": "work phone"})
    raw = page.context["raw"]
    token = ApiToken.objects.get(user=manager)
    assert raw.startswith("crm_") and token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.prefix == raw[:12]
    assert raw not in client.get(reverse("accounts:profile")).content.decode()  # never shown again

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/clients/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api.get("/api/v1/clients/")
    assert refused.status_code == 401 and error_of(refused)["code"] == "authentication_failed"


def test_someone_elses_token_cannot_be_revoked(client, manager, teammate):
    token, _raw = ApiToken.issue(teammate, "theirs")
    client.force_login(manager)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_no_token_no_data_and_errors_are_json(db):
    anonymous = APIClient()
    response = anonymous.get("/api/v1/clients/")
    assert response.status_code in (401, 403)
    assert error_of(response)["status"] == response.status_code
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert wrong.get("/api/v1/clients/").status_code == 401
    assert error_of(APIClient().get("/api/v1/no-such-thing/"))["code"] == "not_found"


def test_errors_come_in_the_requests_language(manager):
    api = api_for(manager)
    response = api.post("/api/v1/interactions/", {"client": 1}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert fields["summary"][0]["code"] == "required"
    assert fields["summary"][0]["message"] == "该字段是必填项。"


# --- clients and contacts --------------------------------------------------------------------------


def test_clients_are_scoped_filtered_and_synced_incrementally(manager, teammate, supervisor, other_manager):
    mine = ClientFactory(owner=manager, name="Mine Tea", status="active")
    ClientFactory(owner=manager, name="Mine Dormant", status="dormant")
    theirs = ClientFactory(owner=teammate, name="Teammate Co")
    ContactFactory(client=mine, name="Ms Key", is_key_person=True)
    api = api_for(manager)
    names = [row["name"] for row in api.get("/api/v1/clients/").json()["results"]]
    assert sorted(names) == ["Mine Dormant", "Mine Tea"]
    assert [r["name"] for r in api.get("/api/v1/clients/?status=active").json()["results"]] == ["Mine Tea"]
    assert [r["name"] for r in api.get("/api/v1/clients/?q=Tea").json()["results"]] == ["Mine Tea"]
    assert api.get(f"/api/v1/clients/{theirs.pk}/").status_code == 404
    detail = api.get(f"/api/v1/clients/{mine.pk}/").json()
    assert detail["contacts"][0]["name"] == "Ms Key" and detail["contacts"][0]["is_key_person"]
    assert "+08:00" in detail["updated_at"]  # ISO 8601 with the zone

    later = timezone.now() + timedelta(seconds=1)
    Client.objects.filter(pk=mine.pk).update(updated_at=later + timedelta(seconds=1))
    synced = api.get("/api/v1/clients/", {"updated_since": later.isoformat()}).json()["results"]
    assert [row["name"] for row in synced] == ["Mine Tea"]
    bad = api.get("/api/v1/clients/?updated_since=yesterday")
    assert bad.status_code == 400 and "updated_since" in error_of(bad)["fields"]

    assert len(api_for(supervisor).get("/api/v1/clients/").json()["results"]) == 3
    assert api_for(other_manager).get("/api/v1/clients/").json()["results"] == []
    assert api_for(other_manager).get(f"/api/v1/contacts/?client={mine.pk}").json()["results"] == []


def test_a_stale_app_cannot_overwrite_a_newer_change(manager):
    acme = ClientFactory(owner=manager, phone="0571-11112222")
    api = api_for(manager)
    read = api.get(f"/api/v1/clients/{acme.pk}/")
    tag = read["ETag"]
    assert api.patch(f"/api/v1/clients/{acme.pk}/", {"phone": "0571-33334444"}, format="json").status_code == 428
    first = api.patch(f"/api/v1/clients/{acme.pk}/", {"phone": "0571-33334444"}, format="json", HTTP_IF_MATCH=tag)
    assert first.status_code == 200 and first.json()["phone"] == "0571-33334444"
    stale = api.patch(f"/api/v1/clients/{acme.pk}/", {"phone": "0571-55556666"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and error_of(stale)["code"] == "stale"
    acme.refresh_from_db()
    assert acme.phone == "0571-33334444"
    assert acme.history.first().history_change_reason == "Changed from the app"
    invalid = api.patch(f"/api/v1/clients/{acme.pk}/", {"phone": "call me"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert invalid.status_code == 400 and "phone" in error_of(invalid)["fields"]


# --- visits -------------------------------------------------------------------------------------------


@pytest.fixture
def approved(manager, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    today = timezone.localdate()
    plan = visit_services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    visit_services.submit_plan(plan, by=manager)
    visit_services.approve_plan(plan, by=supervisor)
    visit = PlannedVisitFactory(owner=manager, client=acme, date=today, method="on_site")
    return acme, visit


def test_todays_visits_and_a_visit_log_saved_once_on_retry(manager, teammate, approved):
    acme, visit = approved
    api = api_for(manager)
    assert [v["id"] for v in api.get("/api/v1/visits/").json()["results"]] == [visit.pk]
    assert [v["id"] for v in api.get("/api/v1/visits/?range=week").json()["results"]] == [visit.pk]
    assert api.get("/api/v1/visits/?range=year").status_code == 400
    body = {
        "client": acme.pk,
        "planned_visit": visit.pk,
        "date": f"{timezone.localdate():%Y-%m-%d}",
        "checked_in_at": timezone.now().isoformat(),
        "latitude": "30.250000",
        "longitude": "120.160000",
        "method": "on_site",
        "work_done": "Presented the new rates",
    }
    first = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert VisitLog.objects.count() == 1
    visit.refresh_from_db()
    assert visit.status == PlannedVisit.Status.DONE
    # Someone else's client: not found; a teammate cannot log it either.
    assert api_for(teammate).post("/api/v1/visit-logs/", body, format="json").status_code == 404
    # The same key for another endpoint is refused.
    other = api.post("/api/v1/interactions/", {"client": acme.pk, "channel": "phone", "summary": "x"},
                     format="json", HTTP_IDEMPOTENCY_KEY="k-1")  # fmt: skip
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"


def test_a_visit_log_follows_the_webs_rules(manager, approved):
    acme, _visit = approved
    api = api_for(manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = api.post(
        "/api/v1/visit-logs/",
        {"client": acme.pk, "date": f"{tomorrow:%Y-%m-%d}", "method": "on_site", "work_done": "x"},
        format="json",
    )
    assert response.status_code == 400 and "date" in error_of(response)["fields"]
    assert not VisitLog.objects.exists()


# --- interactions ---------------------------------------------------------------------------------------


def test_an_interaction_with_a_promise_is_logged_once_and_becomes_a_follow_up(manager, other_manager):
    acme = ClientFactory(owner=manager)
    api = api_for(manager)
    tomorrow = f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}"
    body = {"client": acme.pk, "channel": "wechat", "summary": "Asked for a quote", "is_request": True,
            "promise": "Send the quote", "follow_up_on": tomorrow}  # fmt: skip
    first = api.post("/api/v1/interactions/", body, format="json", HTTP_IDEMPOTENCY_KEY="i-1")
    again = api.post("/api/v1/interactions/", body, format="json", HTTP_IDEMPOTENCY_KEY="i-1")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Interaction.objects.count() == 1 and FollowUpTask.objects.count() == 1
    assert first.json()["reply_due"] is not None
    assert [r["id"] for r in api.get("/api/v1/interactions/?open_requests=true").json()["results"]] == [
        first.json()["id"]
    ]
    intruder = api_for(other_manager)
    assert intruder.get(f"/api/v1/interactions/{first.json()['id']}/").status_code == 404
    assert intruder.post("/api/v1/interactions/", body, format="json").status_code == 404
    assert IdempotencyRecord.objects.count() == 1


# --- complaints ---------------------------------------------------------------------------------------------


def test_complaints_are_registered_and_moved_through_the_same_transitions(manager, teammate):
    ensure_complaint_defaults()
    category = Category.objects.filter(parent__isnull=False).first()
    acme = ClientFactory(owner=manager)
    api = api_for(manager)
    body = {"client": acme.pk, "channel": "phone", "category": category.pk, "severity": "high",
            "description": "Invoice wrong twice"}  # fmt: skip
    created = api.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert created.status_code == 201
    assert api.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1").status_code == 201
    assert Complaint.objects.count() == 1
    pk = created.json()["id"]
    step = f"/api/v1/complaints/{pk}/transition/"
    refused = api.post(step, {"step": "resolve"}, format="json")
    assert refused.status_code == 400 and "cannot be" in error_of(refused)["message"]
    needs_note = api.post(step, {"step": "acknowledge"}, format="json")
    assert needs_note.status_code == 400 and "note" in error_of(needs_note)["fields"]
    assert api.post(step, {"step": "acknowledge", "note": "Wang handles it"}, format="json").json()["state"] == (
        "acknowledged"
    )
    assert api.post(step, {"step": "start"}, format="json").json()["state"] == "in_progress"
    resolved = api.post(step, {"step": "resolve", "root_cause": "Typo", "action_taken": "Reissued"}, format="json")
    assert resolved.json()["state"] == "resolved"
    assert api_for(teammate).post(step, {"step": "close"}, format="json").status_code == 404
    assert api.post(step, {"step": "teleport"}, format="json").status_code == 400


# --- reminders ------------------------------------------------------------------------------------------------


def test_the_reminders_inbox_lists_and_marks_read_only_ones_own(manager, teammate):
    mine = NotificationFactory(recipient=manager, kind="t", key="1", message="Call Acme")
    theirs = NotificationFactory(recipient=teammate, kind="t", key="1", message="Not yours")
    api = api_for(manager)
    assert [n["message"] for n in api.get("/api/v1/notifications/?unread=true").json()["results"]] == ["Call Acme"]
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"] is not None
    assert api.get("/api/v1/notifications/?unread=true").json()["results"] == []
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


# --- query counts and the schema ----------------------------------------------------------------------------


def test_lists_use_a_bounded_number_of_queries(manager, supervisor, django_assert_max_num_queries):
    for n in range(40):
        acme = ClientFactory(owner=manager)
        ContactFactory(client=acme)
        Interaction.objects.create(client=acme, owner=manager, team=manager.team, channel="phone", summary=f"{n}",
                                   created_by=manager)  # fmt: skip
    for user in (manager, supervisor):
        api = api_for(user)
        for url in ["/api/v1/clients/", "/api/v1/contacts/", "/api/v1/interactions/", "/api/v1/complaints/",
                    "/api/v1/visits/?range=week", "/api/v1/visit-logs/", "/api/v1/notifications/"]:  # fmt: skip
            with django_assert_max_num_queries(8):
                assert api.get(url).status_code == 200


def test_the_schema_and_its_documentation_are_served(client, manager):
    client.force_login(manager)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/clients/{id}/" in paths and "/api/v1/complaints/{id}/transition/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert "404" in operation["responses"] or "400" in operation["responses"], (method, path)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()
    assert client.get("/api/v1/redoc/").status_code == 200


def test_contacts_sync_incrementally(manager):
    acme = ClientFactory(owner=manager)
    old, new = ContactFactory(client=acme, name="Old"), ContactFactory(client=acme, name="New")
    mark = timezone.now()
    type(old).objects.filter(pk=old.pk).update(updated_at=mark - timedelta(hours=1))
    type(new).objects.filter(pk=new.pk).update(updated_at=mark + timedelta(seconds=1))
    rows = api_for(manager).get("/api/v1/contacts/", {"updated_since": mark.isoformat()}).json()["results"]
    assert [row["name"] for row in rows] == ["New"]


def test_errors_other_than_fields_have_a_message_and_no_fields(manager, teammate):
    theirs = ClientFactory(owner=teammate)
    body = error_of(api_for(manager).get(f"/api/v1/clients/{theirs.pk}/"))
    assert (body["status"], body["code"], body["fields"]) == (404, "not_found", {})
    assert body["message"] and body["message"] != "Some fields are not valid."


def test_a_key_reused_for_a_different_request_is_refused(manager):
    acme = ClientFactory(owner=manager)
    api = api_for(manager)
    first = {"client": acme.pk, "channel": "phone", "summary": "first"}
    assert api.post("/api/v1/interactions/", first, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    other = api.post("/api/v1/interactions/", {**first, "summary": "second"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="same")  # fmt: skip
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    assert list(Interaction.objects.values_list("summary", flat=True)) == ["first"]


def test_out_of_range_times_and_if_match_forms(manager):
    acme = ClientFactory(owner=manager)
    api = api_for(manager)
    for text in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        assert api.get("/api/v1/clients/", {"updated_since": text}).status_code == 400
    tag = api.get(f"/api/v1/clients/{acme.pk}/")["ETag"]
    weak = api.patch(f"/api/v1/clients/{acme.pk}/", {"address": "1 Lake Rd"}, format="json", HTTP_IF_MATCH=f"W/{tag}")
    assert weak.status_code == 200
    anything = api.patch(f"/api/v1/clients/{acme.pk}/", {"address": "2 Lake Rd"}, format="json", HTTP_IF_MATCH="*")
    assert anything.status_code == 200 and anything.json()["address"] == "2 Lake Rd"
