"""Names per language (crm/i18n.py) for the inspection items admins name; the history is
registered after the translated fields exist, so it records both languages."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import InspectionItem


@register(InspectionItem)
class InspectionItemTranslation(TranslationOptions):
    fields = ("name", "guidance")
    empty_values = None


register_history(InspectionItem)
