import factory

from accounts.tests.factories import ManagerFactory
from clients.defaults import ensure_default_tiers
from clients.models import Client, ClientGroup, Contact, Tier


class TierFactory(factory.django.DjangoModelFactory):
    """Prefer the migration's default tiers: Tier.objects.get(code="standard")."""

    class Meta:
        model = Tier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.LazyAttribute(lambda t: t.code.title())
    rank = factory.Sequence(lambda n: 100 + n)


def default_tier(code: str = "standard") -> Tier:
    ensure_default_tiers()  # a transactional (browser) test may have flushed them
    return Tier.objects.get(code=code)


class ClientGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientGroup

    code = factory.Sequence(lambda n: f"G{n:05d}")
    name = factory.Sequence(lambda n: f"Group {n}")
    tier = factory.LazyFunction(lambda: default_tier("vip-gold"))
    lead_manager = factory.SubFactory(ManagerFactory)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    code = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"Client {n}")
    tier = factory.LazyFunction(default_tier)
    owner = factory.SubFactory(ManagerFactory)
    team = factory.LazyAttribute(lambda c: c.owner.team)
    status = Client.Status.ACTIVE
    visit_method = Client._meta.get_field("visit_method").choices[0][0]
    phone = factory.Sequence(lambda n: f"0571-{n:08d}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    title = "Manager"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
