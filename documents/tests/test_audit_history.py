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
    documents = [entry for entry in entries if entry.kind == "client document"]
    observations = [entry for entry in entries if entry.kind == "market observation"]
    assert len(documents) == 2 and len(observations) == 1  # added and removed; recorded
    assert {entry.who for entry in documents + observations} == {str(manager)}
    removal = next(entry for entry in documents if entry.action == "changed")
    assert any(change.field == "removed by" and change.new == str(manager) for change in removal.changes)
