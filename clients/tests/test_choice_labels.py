"""``get_FOO_display`` of clients and contacts reads labels kept per field and language
(crm/choices.py, issue #31): the same labels as Django's, in the active language."""

import pytest
from django.db.models import Model
from django.utils import translation

from clients.models import Client, Contact
from clients.tests.factories import ClientFactory, ContactFactory


@pytest.mark.django_db
def test_labels_are_djangos_in_each_language(manager):
    acme = ClientFactory(owner=manager)
    wang = ContactFactory(client=acme, influence="high", preferred_channel="wechat", decision_role="")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for obj, fields in ((acme, ("status", "client_type", "size")), (wang, ("influence", "preferred_channel"))):
                for name in fields:
                    field = type(obj)._meta.get_field(name)
                    assert getattr(obj, f"get_{name}_display")() == Model._get_FIELD_display(obj, field)
    with translation.override("en"):
        english = wang.get_influence_display()
    with translation.override("zh-hans"):
        assert wang.get_influence_display() != english


def test_an_unknown_or_empty_value_is_shown_as_it_is():
    contact = Contact(influence="", preferred_channel="carrier pigeon")
    assert contact.get_influence_display() == ""
    assert contact.get_preferred_channel_display() == "carrier pigeon"
    assert Client(status=None).get_status_display() is None
