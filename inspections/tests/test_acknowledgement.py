"""The manager signs a spot check with their login: only that manager, once, and the
supervisor's content stays as it was."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections import services
from inspections.models import SpotCheck
from notifications.models import Notification

from .factories import SpotCheckFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def check(manager, supervisor):
    return SpotCheckFactory(client__owner=manager, checked_by=supervisor, score=70, remarks="Shelf untidy")


def test_the_manager_acknowledges_on_the_page(client, manager, supervisor, check):
    client.force_login(manager)
    page = client.get(check.get_absolute_url())
    assert page.status_code == 200 and b'data-testid="acknowledge-form"' in page.content
    response = client.post(
        reverse("inspections:acknowledge", args=[check.pk]),
        {"comment": "Agreed, fixed the shelf", "score": "100", "remarks": "changed"},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.acknowledged_by == manager and check.acknowledged_at is not None
    assert check.acknowledgement_comment == "Agreed, fixed the shelf"
    # The supervisor's content is not the manager's to change.
    assert (check.score, check.remarks) == (70, "Shelf untidy")
    assert Notification.objects.filter(recipient=supervisor, kind="inspections.spot_check_acknowledged").exists()
    assert check.history.first().history_user == manager
    page = client.get(check.get_absolute_url())
    assert b'data-testid="acknowledgement"' in page.content and b"acknowledge-form" not in page.content


def test_acknowledged_once(manager, check):
    services.acknowledge(check, by=manager)
    with pytest.raises(ValidationError):
        services.acknowledge(check, by=manager, comment="again")


def test_the_supervisor_cannot_acknowledge_for_the_manager(client, supervisor, admin_user, check):
    for user in (supervisor, admin_user):
        client.force_login(user)
        page = client.get(check.get_absolute_url())
        assert page.status_code == 200 and b"acknowledge-form" not in page.content
        assert client.post(reverse("inspections:acknowledge", args=[check.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            services.acknowledge(check, by=user)
    assert SpotCheck.objects.get(pk=check.pk).acknowledged_at is None


def test_another_manager_gets_404(client, teammate, other_manager, check):
    for user in (teammate, other_manager):
        client.force_login(user)
        assert client.get(check.get_absolute_url()).status_code == 404
        assert client.post(reverse("inspections:acknowledge", args=[check.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.acknowledge(check, by=user)
    assert SpotCheck.objects.get(pk=check.pk).acknowledged_at is None


def test_a_comment_too_long_is_shown_next_to_the_field(client, manager, check):
    client.force_login(manager)
    response = client.post(reverse("inspections:acknowledge", args=[check.pk]), {"comment": "x" * 5000})
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert SpotCheck.objects.get(pk=check.pk).acknowledged_at is None
