"""Names per language (crm/i18n.py). The history is registered here, after the translated
fields exist, so the audit history records each language's name too (django-simple-history
copies a model's fields when it registers it)."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import Tier, VipCard


@register(Tier)
class TierTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None  # an empty name is no name (NULL), so the other language shows


@register(VipCard)
class VipCardTranslation(TranslationOptions):
    fields = ("name", "greeted_by")
    empty_values = None


register_history(Tier)
register_history(VipCard)
