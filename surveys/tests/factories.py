"""Survey invitations for tests, made through the service (token, language, send time)."""

import factory

from clients.tests.factories import ClientFactory
from surveys import services
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation


class InvitationFactory(factory.django.DjangoModelFactory):
    """``InvitationFactory(client=acme, contact=someone)``: an invitation to the default survey."""

    class Meta:
        model = Invitation

    client = factory.SubFactory(ClientFactory)

    @classmethod
    def _create(cls, model_class, *args, **fields):
        ensure_default_survey()  # a transactional (browser) test may have flushed it
        client = fields.pop("client")
        return services.invite(client, **fields)
