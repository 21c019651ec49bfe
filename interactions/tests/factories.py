"""Interactions for tests, logged through the service (deadlines, team, timeline) so that a
test's interaction is one the product could have made."""

import factory

from clients.tests.factories import ClientFactory
from interactions import services
from interactions.models import Interaction


class InteractionFactory(factory.django.DjangoModelFactory):
    """``InteractionFactory(client=acme, is_request=True)``; logged by the client's manager
    unless ``by``."""

    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    channel = "phone"
    summary = factory.Sequence(lambda n: f"Call {n}: asked about the bill")

    @classmethod
    def _create(cls, model_class, *args, by=None, **fields):
        client = fields.pop("client")
        return services.log_interaction(client=client, by=by or client.owner, **fields)
