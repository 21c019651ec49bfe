"""Resolving a complaint gives its manager a return visit: the message says whose task list
it is on, since a supervisor (after an escalation) or an admin may be the one resolving."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from complaints import services
from complaints.models import Category

pytestmark = pytest.mark.django_db

RESOLVE = {"step": "resolve", "root_cause": "Courier", "action_taken": "New courier"}


@pytest.fixture
def complaint(manager):
    category = Category.objects.filter(parent__isnull=False).first()
    complaint = services.register(
        by=manager, client=ClientFactory(owner=manager), category=category, channel="phone", description="Late"
    )
    services.move(complaint, "acknowledge", by=manager, note="Calling back")
    services.move(complaint, "start", by=manager)
    return complaint


def test_the_manager_resolving_reads_that_the_visit_is_on_their_list(client, manager, complaint):
    client.force_login(manager)
    response = client.post(reverse("complaints:step", args=[complaint.pk]), RESOLVE, follow=True)
    assert "a return visit is on your task list" in response.content.decode()


def test_an_admin_resolving_reads_whose_list_the_visit_is_on(client, manager, admin_user, complaint):
    client.force_login(admin_user)
    response = client.post(reverse("complaints:step", args=[complaint.pk]), RESOLVE, follow=True)
    html = response.content.decode()
    assert "your task list" not in html
    assert f"a return visit is on the task list of {manager}" in html
