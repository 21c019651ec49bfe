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
        timeline = response.content.decode().split('data-testid="timeline"')[1]
        assert "Competitor seen: Red River" in timeline and "Next to ours" in timeline and "40%" in timeline
        assert "Competitor seen: Blue Sky" in timeline and "Free lighter" in timeline


def test_another_clients_observations_are_not_on_this_file(client, manager):
    acme, other = ClientFactory(owner=manager), ClientFactory(owner=manager)
    MarketObservationFactory(client=other, brand="Elsewhere")
    client.force_login(manager)
    assert "Elsewhere" not in client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
