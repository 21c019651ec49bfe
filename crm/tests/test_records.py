"""Record-keeping mixins (crm/records.py)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from clients.models import Contact
from clients.tests.factories import ClientFactory, ContactFactory
from crm.queries import vacuum_analyze
from crm.records import UpdatedOnEverySave
from performance.models import ClientWarning

pytestmark = pytest.mark.django_db


def test_a_partial_save_moves_updated_at(manager):
    contact = ContactFactory(client=ClientFactory(owner=manager))
    yesterday = timezone.now() - timedelta(days=1)
    Contact.objects.filter(pk=contact.pk).update(updated_at=yesterday)
    contact.refresh_from_db()
    contact.title = "CFO"
    contact.save(update_fields=["title"])
    contact.refresh_from_db()
    assert contact.title == "CFO" and contact.updated_at > yesterday


def test_every_model_with_an_update_time_moves_it_on_every_save():
    """What the API's ``updated_since`` sync reads must never fall behind a change."""
    stamped = [
        model
        for model in apps.get_models()
        if any(field.name == "updated_at" and getattr(field, "auto_now", False) for field in model._meta.fields)
        and not model._meta.label.split(".")[1].startswith("Historical")
    ]
    assert len(stamped) >= 7
    assert [model._meta.label for model in stamped if not issubclass(model, UpdatedOnEverySave)] == []


def test_vacuum_runs_only_where_it_can(django_assert_num_queries):
    """Inside a transaction (a request, a test) or with no table named, nothing is sent:
    VACUUM cannot run in a transaction, and with no table it would vacuum everything."""
    with django_assert_num_queries(0):
        vacuum_analyze(ClientWarning)
        vacuum_analyze()
