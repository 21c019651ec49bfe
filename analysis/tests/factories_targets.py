"""Factories for the analysis rows of steps 3–6 (products, figures, demand, targets)."""

from datetime import date
from decimal import Decimal

import factory

from analysis.models import BrandTarget, BusinessFigure, Demand, FocusProduct, MarketTarget, Product, TargetClient


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    brand = "Brand"
    unit_price = Decimal("10")


class FocusProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusProduct

    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)


class BusinessFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessFigure

    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)
    quantity = Decimal("1")
    amount = factory.LazyAttribute(lambda f: Decimal(f.quantity) * 10)
    orders = 1


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)
    quantity = Decimal("1")


class BrandTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandTarget

    team = factory.LazyAttribute(lambda t: t.owner.team)
    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)


class TargetClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetClient

    owner = factory.LazyAttribute(lambda t: t.client.owner)
    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)


class MarketTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketTarget

    team = factory.LazyAttribute(lambda t: t.owner.team if t.owner else None)
    owner = None
    month = date(2026, 11, 1)
