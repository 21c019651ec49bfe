"""A supervisor reading a manager's analysis (read-only) is not told about "your book" or
"your own clients": the pages name the manager whose analysis it is."""

import pytest
from django.urls import reverse

from .factories_targets import FocusProductFactory, ProductFactory

pytestmark = pytest.mark.django_db

Q = "?month=2026-12"


def page(client, name, owner=None) -> str:
    query = Q + (f"&owner={owner.pk}" if owner else "")
    return client.get(reverse(f"analysis:{name}") + query).content.decode()


def test_the_market_analysis_speaks_to_its_reader(client, manager, supervisor):
    client.force_login(manager)
    assert "Your book in the analysed month" in page(client, "market")
    client.force_login(supervisor)
    html = page(client, "market", manager)
    assert "Your book" not in html and f"The book of {manager} in the analysed month" in html


def test_the_brand_targets_speak_to_their_reader(client, manager, supervisor):
    client.force_login(supervisor)
    html = page(client, "brand_targets", manager)
    assert "your supervisor names them" not in html and "the team's supervisor names them" in html


def test_the_target_clients_speak_to_their_reader(client, manager, supervisor):
    client.force_login(supervisor)
    html = page(client, "target_clients", manager)
    assert "your supervisor names them" not in html and "the team's supervisor names them" in html
    FocusProductFactory(team=manager.team, product=ProductFactory(name="Xiang"), month=Q[7:] + "-01")
    html = page(client, "target_clients", manager)
    assert "among your own clients" not in html and "You have no clients." not in html
    assert f"among the clients of {manager}" in html and f"{manager} has no clients." in html
