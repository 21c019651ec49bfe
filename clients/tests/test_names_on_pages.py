"""Pages and the API show a tier, a team and a category in the reader's language, never
both at once ("VIP 金卡 Gold"), with the same number of queries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.tests.factories import ClientFactory, default_tier

pytestmark = pytest.mark.django_db


def page(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_client_page_names_the_tier_in_the_readers_language(client, manager):
    acme = ClientFactory(owner=manager, tier=default_tier("vip-gold"))
    client.force_login(manager)
    url = reverse("clients:detail", args=[acme.pk])
    chinese = page(client, url, "zh-hans")
    assert "VIP 金卡" in chinese and "Gold" not in chinese
    english = page(client, url, "en")
    assert "VIP Gold" in english and "金卡" not in english


def test_the_client_list_names_tiers_in_the_readers_language(client, manager):
    ClientFactory(owner=manager, tier=default_tier("standard"))
    client.force_login(manager)
    chinese = page(client, reverse("clients:list"), "zh-hans")
    assert "标准" in chinese and "Standard" not in chinese


def test_the_api_names_the_tier_in_the_requests_language(manager):
    acme = ClientFactory(owner=manager, tier=default_tier("vip-gold"))
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/v1/clients/{acme.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["tier_name"] == "VIP 金卡"
    assert api.get(f"/api/v1/clients/{acme.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["tier_name"] == "VIP Gold"
