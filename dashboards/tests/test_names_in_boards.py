"""The complaints board names categories and tiers in the reader's language, and a board
kept in the cache for one language is never served in the other."""

import uuid

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory, default_tier
from complaints.models import Category
from complaints.tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(manager):
    acme = ClientFactory(owner=manager, tier=default_tier("vip-gold"))
    return ComplaintFactory(client=acme, category=Category.objects.get(name_en="Late delivery"))


def labels(response, table):
    return [row.label for row in response.context["tables"][table]]


def test_categories_and_tiers_in_the_readers_language(client, supervisor, complaint, settings):
    settings.CRM_DASHBOARD_CACHE_SECONDS = 300
    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    client.force_login(supervisor)
    url = reverse("dashboards:complaints")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert labels(chinese, "category") == ["配送延迟"]
    assert labels(chinese, "tier") == ["VIP 金卡"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert labels(english, "category") == ["Late delivery"]
    assert labels(english, "tier") == ["VIP Gold"]
    assert "配送延迟" not in english.content.decode()
