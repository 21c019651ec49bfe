import factory

from care.models import EventInvitation, Gift
from clients.tests.factories import ClientFactory


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    client = factory.SubFactory(ClientFactory)
    occasion = Gift.Occasion.BIRTHDAY
    item = factory.Sequence(lambda n: f"Tea set {n}")
    value = 100
    given_on = factory.Faker("date_this_year")
    given_by = factory.LazyAttribute(lambda g: g.client.owner)
    status = Gift.Status.APPROVED


class EventInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventInvitation

    event_name = factory.Sequence(lambda n: f"Forum {n}")
    event_date = factory.Faker("date_this_year")
    client = factory.SubFactory(ClientFactory)
    sent_on = factory.LazyAttribute(lambda e: e.event_date)
    owner = factory.LazyAttribute(lambda e: e.client.owner)
