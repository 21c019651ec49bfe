"""Factories for products and business figures (the data part of the analysis)."""

from datetime import date
from decimal import Decimal

import factory

from clients.tests.factories import ClientFactory

from ..models import BusinessFigure, Product, ProductCategory


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    brand = "Brand A"
    category = factory.SubFactory(ProductCategoryFactory)
    unit = "carton"
    unit_price = Decimal("250.00")
    is_key_brand = False


class BusinessFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessFigure

    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    month = date(2026, 11, 1)
    quantity = Decimal("10.00")
    amount = Decimal("2500.00")
    orders = 2
