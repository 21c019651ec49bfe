"""Who changes a client's grade (tier) and category (type, size) directly.

SPEC "Grades change by proposal": an account manager changes them only through a grade
proposal; a supervisor or an admin may set them directly, with a reason kept in the
history. The web form and the API follow the same rule (``clients.rules.may_set_grade_directly``).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from clients import services
from clients.models import GradeProposal
from clients.tests.factories import ClientFactory, default_tier
from clients.tests.test_views import edit_data

GRADE_FIELDS = ("tier", "client_type", "size")


@pytest.fixture
def acme(manager):
    return ClientFactory(
        owner=manager, name="Acme Tea", tier=default_tier("standard"), client_type="enterprise", size="small"
    )


def promoted(acme, **extra):
    return edit_data(
        acme, tier=default_tier("vip-diamond").pk, client_type="government", size="large", name="Acme Tea Co", **extra
    )


def grade_of(client_obj):
    client_obj.refresh_from_db()
    return (client_obj.tier.code, client_obj.client_type, client_obj.size)


def api_for(user) -> APIClient:
    _token, raw = ApiToken.issue(user, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def patch(api, acme, data):
    tag = api.get(f"/api/v1/clients/{acme.pk}/")["ETag"]
    return api.patch(f"/api/v1/clients/{acme.pk}/", data, format="json", HTTP_IF_MATCH=tag)


# --- the web form ----------------------------------------------------------------------------


def test_the_managers_edit_form_does_not_offer_the_grade(client, manager, acme):
    client.force_login(manager)
    form = client.get(reverse("clients:edit", args=[acme.pk])).context["form"]
    assert not set(GRADE_FIELDS) & set(form.fields)
    assert "grade_change_reason" not in form.fields


def test_a_forged_post_by_the_manager_changes_the_rest_but_not_the_grade(client, manager, acme):
    client.force_login(manager)
    response = client.post(reverse("clients:edit", args=[acme.pk]), promoted(acme, grade_change_reason="mine"))
    assert response.status_code == 302
    assert grade_of(acme) == ("standard", "enterprise", "small")
    assert acme.name == "Acme Tea Co"
    assert not GradeProposal.objects.exists()


def test_a_manager_still_chooses_the_grade_of_a_new_client(client, manager):
    client.force_login(manager)
    form = client.get(reverse("clients:create")).context["form"]
    assert set(GRADE_FIELDS) <= set(form.fields)


@pytest.mark.parametrize("decider", ["supervisor", "admin_user"])
def test_a_supervisor_or_admin_changes_the_grade_with_a_required_reason(client, request, acme, decider):
    client.force_login(request.getfixturevalue(decider))
    url = reverse("clients:edit", args=[acme.pk])
    response = client.post(url, promoted(acme))
    assert response.status_code == 200
    assert "grade_change_reason" in response.context["form"].errors
    assert grade_of(acme) == ("standard", "enterprise", "small")
    assert acme.name == "Acme Tea"  # nothing of the refused edit was saved

    response = client.post(url, promoted(acme, grade_change_reason="Contract with the province signed"))
    assert response.status_code == 302
    assert grade_of(acme) == ("vip-diamond", "government", "large")
    assert acme.history.latest().history_change_reason == "Contract with the province signed"


def test_other_edits_by_a_supervisor_need_no_grade_reason(client, supervisor, acme):
    client.force_login(supervisor)
    response = client.post(reverse("clients:edit", args=[acme.pk]), edit_data(acme, name="Acme Tea Co"))
    assert response.status_code == 302
    assert grade_of(acme) == ("standard", "enterprise", "small") and acme.name == "Acme Tea Co"


def test_the_service_refuses_a_managers_grade_change_whoever_calls_it(manager, acme):
    acme.tier = default_tier("vip-diamond")
    with pytest.raises(ValidationError) as refused:
        services.update_client(client=acme, by=manager, changed=["tier"], grade_change_reason="I said so")
    assert "tier" in refused.value.error_dict
    assert grade_of(acme) == ("standard", "enterprise", "small")


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field, value", [("tier", "vip-diamond"), ("client_type", "government"), ("size", "large")])
def test_the_api_refuses_a_managers_grade_change(manager, acme, field, value):
    response = patch(api_for(manager), acme, {field: value, "grade_change_reason": "mine", "address": "1 Lake Rd"})
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert grade_of(acme) == ("standard", "enterprise", "small")
    assert acme.address != "1 Lake Rd"


def test_the_api_lets_a_manager_send_back_the_grade_unchanged(manager, acme):
    data = {"tier": "standard", "client_type": "enterprise", "size": "small", "address": "1 Lake Rd"}
    response = patch(api_for(manager), acme, data)
    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.address == "1 Lake Rd"


def test_the_api_lets_a_supervisor_change_the_grade_with_a_reason(supervisor, acme):
    api = api_for(supervisor)
    data = {"tier": "vip-gold", "client_type": "government", "size": "large"}
    refused = patch(api, acme, data)
    assert refused.status_code == 400
    assert "grade_change_reason" in refused.json()["error"]["fields"]
    assert grade_of(acme) == ("standard", "enterprise", "small")

    response = patch(api, acme, {**data, "grade_change_reason": "Contract with the province signed"})
    assert response.status_code == 200
    assert response.json()["tier"] == "vip-gold"
    assert grade_of(acme) == ("vip-gold", "government", "large")
    assert acme.history.latest().history_change_reason == "Contract with the province signed"
