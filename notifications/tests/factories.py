import factory

from accounts.tests.factories import ManagerFactory
from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(ManagerFactory)
    kind = "test"
    key = factory.Sequence(str)
    message = factory.Sequence(lambda n: f"Reminder {n}")
