"""Plans, visits and logs for tests. The month is the pinned clock's (tests/clock.py) unless
a test names another."""

import uuid

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import rules
from visits.models import MonthlyPlan, PlanLine, PlannedVisit, ServiceStrategy, TemporaryTask, VisitLog


class MonthlyPlanFactory(factory.django.DjangoModelFactory):
    """A plan of the current month; ``status=MonthlyPlan.Status.APPROVED`` for one that lets
    its manager log visits."""

    class Meta:
        model = MonthlyPlan

    owner = factory.SubFactory("accounts.tests.factories.ManagerFactory")
    team = factory.LazyAttribute(lambda plan: plan.owner.team)
    month = factory.LazyFunction(lambda: rules.month_start(timezone.localdate()))


class PlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanLine

    plan = factory.SubFactory(MonthlyPlanFactory)
    client = factory.SubFactory(ClientFactory, owner=factory.SelfAttribute("..plan.owner"))


class ServiceStrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStrategy

    client = factory.SubFactory(ClientFactory)
    month = factory.LazyFunction(lambda: rules.month_start(timezone.localdate()))
    text = factory.Sequence(lambda n: f"Strategy {n}: present the new tariff")


class PlannedVisitFactory(factory.django.DjangoModelFactory):
    """A visit planned today at a client of its manager."""

    class Meta:
        model = PlannedVisit

    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda visit: visit.client.owner)
    date = factory.LazyFunction(timezone.localdate)
    method = "on_site"


class VisitLogFactory(factory.django.DjangoModelFactory):
    """A log stored as it is (no plan check): for reads. A test of logging itself calls
    ``visits.services.log_visit``."""

    class Meta:
        model = VisitLog

    client = factory.SubFactory(ClientFactory)
    owner = factory.LazyAttribute(lambda log: log.client.owner)
    submission = factory.LazyFunction(lambda: uuid.uuid4().hex)
    date = factory.LazyFunction(timezone.localdate)
    method = "on_site"
    work_done = factory.Sequence(lambda n: f"Visit {n}: went through the bill")


class TemporaryTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemporaryTask

    owner = factory.SubFactory("accounts.tests.factories.ManagerFactory")
    date = factory.LazyFunction(timezone.localdate)
    description = factory.Sequence(lambda n: f"Task {n}: brought the contract")
