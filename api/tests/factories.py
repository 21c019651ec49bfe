import factory

from accounts.tests.factories import ManagerFactory
from api.models import ApiToken


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token issued the product's way; the token itself is shown only once, so the made
    row carries it as ``.raw`` (not stored) for the test to send."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(ManagerFactory)
    name = "test phone"

    @classmethod
    def _create(cls, model_class, *args, user, name, **kwargs):
        token, raw = ApiToken.issue(user, name)
        token.raw = raw
        return token
