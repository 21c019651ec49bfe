"""A client marked as tending to leave by hand: its retention visit falls due, the
morning's rules never clear the mark, a person does."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from performance.models import ClientWarning
from performance.selectors import retention_due
from performance.warnings import evaluate

pytestmark = pytest.mark.django_db


def test_marked_by_hand_shown_kept_by_the_rules_and_cleared_by_a_person(client, manager, teammate, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    client.force_login(manager)
    url = reverse("performance:mark", args=[acme.pk])
    refused = client.post(url, {"reason": " "}, follow=True)
    assert "Say why" in refused.content.decode() and not ClientWarning.objects.exists()
    client.post(url, {"reason": "Competitor offered a lower price"})
    warning = ClientWarning.objects.get(client=acme)
    assert warning.rule == "manual" and warning.active
    page = client.get(acme.get_absolute_url()).content.decode()
    assert "Competitor offered a lower price" in page
    assert [row.client for row in retention_due(manager)] == [acme]
    evaluate()  # no rule matches Acme: the hand-made mark stays
    warning.refresh_from_db()
    assert warning.active
    client.force_login(teammate)
    assert client.post(url, {"clear": "on"}).status_code == 404
    client.force_login(supervisor)
    client.post(url, {"clear": "on"})
    warning.refresh_from_db()
    assert not warning.active and warning.cleared_at is not None
    assert retention_due(manager) == []
