"""The client file shows the competitor information recorded on its visits and calls."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from interactions.tests.factories import InteractionFactory
from market.services import record_observations
from market.tests.factories import MarketObservationFactory

pytestmark = pytest.mark.django_db


def test_observations_from_visits_and_calls_show_on_the_client_file(client, manager, supervisor):
    acme = ClientFactory(owner=manager)
    MarketObservationFactory(client=acme, brand="Red River", price=18, shelf_share=40, remark="Next to ours")
    interaction, _created = InteractionFactory(client=acme)
    record_observations(client=acme, by=manager, day=interaction.occurred_at.date(), interaction=interaction,
                        observations=[{"brand": "Blue Sky", "promotion": "Free lighter"}])  # fmt: skip
    for user in (manager, supervisor):
        client.force_login(user)
        response = client.get(reverse("clients:detail", args=[acme.pk]))
        panel = response.content.decode().split('data-testid="client-market"')[1]
        assert "Red River" in panel and "Next to ours" in panel and "40%" in panel
        assert "Blue Sky" in panel and "Free lighter" in panel
        titles = [entry.title for entry in response.context["timeline"]]
        assert any("Red River" in title for title in titles)


def test_another_clients_observations_are_not_on_this_file(client, manager):
    acme, other = ClientFactory(owner=manager), ClientFactory(owner=manager)
    MarketObservationFactory(client=other, brand="Elsewhere")
    client.force_login(manager)
    assert "Elsewhere" not in client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
