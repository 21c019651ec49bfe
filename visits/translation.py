"""Names per language (crm/i18n.py) of what admins define for visits; the history is
registered after the translated fields exist, so it records them (see clients/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import ChecklistItem, PreparationItem, VisitType


@register(VisitType)
class VisitTypeTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


@register(ChecklistItem)
class ChecklistItemTranslation(TranslationOptions):
    fields = ("text",)
    empty_values = None


@register(PreparationItem)
class PreparationItemTranslation(TranslationOptions):
    fields = ("text",)
    empty_values = None


register_history(VisitType)
register_history(ChecklistItem)
register_history(PreparationItem)
