"""Names per language (crm/i18n.py); the history is registered after the translated fields
exist, so it records them (see clients/translation.py). Products keep one name: trade
names and brands are proper names, written as printed on the pack."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import AbilityDimension, ProductCategory


@register(ProductCategory)
class ProductCategoryTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


@register(AbilityDimension)
class AbilityDimensionTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None


register_history(ProductCategory)
register_history(AbilityDimension)
