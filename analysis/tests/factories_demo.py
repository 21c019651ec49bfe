"""Small factories for the summaries' and the business board's tests (the analysis
helpers' own factories live in factories.py)."""

from decimal import Decimal

import factory

from analysis.models import BusinessFigure, IndicatorResult, MarketTarget, Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    brand = "Brand"
    unit = "carton"
    unit_price = Decimal("100.00")
    is_key_brand = False


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessFigure

    product = factory.SubFactory(ProductFactory)
    quantity = Decimal(10)
    amount = factory.LazyAttribute(lambda f: f.quantity * f.product.unit_price)
    orders = 1


class MarketTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketTarget

    team = factory.LazyAttribute(lambda t: t.owner.team if t.owner else None)


class IndicatorResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorResult

    kind = IndicatorResult.Kind.MARKET
    team = factory.LazyAttribute(lambda r: r.owner.team)


def targets(owner, month, **values):
    """One market target per keyword (indicator=value) for ``owner`` in ``month``."""
    return [
        MarketTargetFactory(owner=owner, month=month, indicator=k, value=Decimal(str(v))) for k, v in values.items()
    ]
