"""Names per language (crm/i18n.py); the history is registered after the translated fields
exist, so it records them (see clients/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from crm.i18n import register_history

from .models import Team


@register(Team)
class TeamTranslation(TranslationOptions):
    fields = ("name", "area")
    # An empty name is no name (NULL): two teams named in one language only are not
    # "the same name" in the other.
    empty_values = None


register_history(Team)
