"""Names per language (crm/i18n.py); the history is registered after the translated fields
exist, so it records them (see clients/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import Category


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


register_history(Category)
