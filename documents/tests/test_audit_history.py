"""Documents and competitor observations are in the client's audit history (the
supervisor's History page), with who did what."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from documents import services
from documents.tests.factories import ClientDocumentFactory
from market.tests.factories import MarketObservationFactory

pytestmark = pytest.mark.django_db


def test_the_client_history_shows_documents_and_observations(client, manager, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = ClientFactory(owner=manager)
    document = ClientDocumentFactory(client=acme, title="Supply contract")
    services.remove_document(document, by=manager)
    MarketObservationFactory(client=acme, brand="Red River")
    client.force_login(supervisor)
    entries = client.get(reverse("home:client_history", args=[acme.pk])).context["entries"]
    labels = " ".join(f"{entry.kind} {entry.label} {entry.who}" for entry in entries)
    assert "Supply contract" in labels and "Red River" in labels
    assert sum(1 for entry in entries if "Supply contract" in entry.label) == 2  # added, removed
