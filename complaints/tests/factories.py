"""Complaints for tests, made through the service (deadlines, number, event row) so that a
test's complaint is one the product could have made."""

import factory

from clients.tests.factories import ClientFactory
from complaints import services
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category, Complaint


def leaf_category() -> Category:
    """A category under a parent, from the migration's defaults (a transactional test may
    have flushed them)."""
    ensure_complaint_defaults()
    return Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk").first()


class ComplaintFactory(factory.django.DjangoModelFactory):
    """``ComplaintFactory(client=acme)``; registered by the client's manager unless ``by``."""

    class Meta:
        model = Complaint

    client = factory.SubFactory(ClientFactory)
    category = factory.LazyFunction(leaf_category)
    channel = Complaint.Channel.PHONE
    description = factory.Sequence(lambda n: f"Complaint {n}: the bill was wrong")

    @classmethod
    def _create(cls, model_class, *args, by=None, **fields):
        client = fields.pop("client")
        return services.register(by=by or client.owner, client=client, **fields)
