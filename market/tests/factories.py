"""Market observations for tests, recorded through the service on a visit log."""

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from market.models import MarketObservation
from market.services import record_observations
from visits.tests.factories import VisitLogFactory


class MarketObservationFactory(factory.django.DjangoModelFactory):
    """``MarketObservationFactory(client=acme, brand="Rival")``: on a new visit log of the
    client's manager unless ``visit_log``."""

    class Meta:
        model = MarketObservation

    client = factory.SubFactory(ClientFactory)
    brand = factory.Sequence(lambda n: f"Rival {n}")

    @classmethod
    def _create(cls, model_class, *args, client, visit_log=None, observed_on=None, **fields):
        visit_log = visit_log or VisitLogFactory(client=client)
        (observation,) = record_observations(
            client=client,
            by=visit_log.owner,
            day=observed_on or timezone.localdate(),
            visit_log=visit_log,
            observations=[fields],
        )
        return observation
