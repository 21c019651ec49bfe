import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from inspections.models import SpotCheck, VisitLogReview


class SpotCheckFactory(factory.django.DjangoModelFactory):
    """A spot check made directly (``services.record_spot_check`` is tested on its own)."""

    class Meta:
        model = SpotCheck

    kind = SpotCheck.Kind.SPOT_CHECK
    date = factory.LazyFunction(timezone.localdate)
    client = factory.SubFactory(ClientFactory)
    manager = factory.LazyAttribute(lambda c: c.client.owner)
    team = factory.LazyAttribute(lambda c: c.manager.team)
    checked_by = factory.LazyAttribute(lambda c: c.manager.team.supervisor)
    score = 80


class VisitLogReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitLogReview

    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    team = factory.LazyAttribute(lambda r: r.manager.team)
    reviewed_by = factory.LazyAttribute(lambda r: r.manager.team.supervisor)
    reviewed_at = factory.LazyFunction(timezone.now)
    comment = "Well kept."
