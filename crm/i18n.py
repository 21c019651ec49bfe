"""Names per language (django-modeltranslation).

What admins name (tiers, VIP cards, complaint and product categories, teams, ability
dimensions) has a name in each language: ``name_en`` and ``name_zh_hans`` (each app's
``translation.py``). On a model instance ``obj.name`` is the name in the active language,
else the other one (settings.MODELTRANSLATION_FALLBACK_LANGUAGES); so are the querysets of
those models (``values("name")``, ``order_by("name")``).

A query over *another* model that reads such a name through a relation
(``Complaint.objects.values("category__name")``) is not rewritten by modeltranslation:
it reads the plain ``name`` column, written in whatever language its last editor used.
Such queries name the field with :func:`localized` instead.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order


def localized(path: str):
    """The expression for a translated field reached through ``path`` (e.g.
    ``"client__tier__name"``): the active language's value, else the other language's
    (an empty name counts as none). The same columns of the same rows: no extra query."""
    languages = resolution_order(get_language(), FALLBACK_LANGUAGES)
    text = CharField()
    names = (NullIf(F(build_localized_fieldname(path, lang)), Value(""), output_field=text) for lang in languages)
    return Coalesce(*names, Value(""), output_field=text)


def named(path: str, value: str) -> Q:
    """Rows whose translated field ``path`` is ``value`` in any language: what a person
    types (an imported file, a search) may be in either."""
    return Q(*((build_localized_fieldname(path, code), value) for code, _label in settings.LANGUAGES), _connector=Q.OR)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def split_bilingual(text: str) -> tuple[str, str]:
    """``(english, chinese)`` from a name written in both languages, as the first seeds
    were ("标准 Standard", "东城片区 · East district"): the words with Chinese characters
    are the Chinese name, the others the English one. A name in one language only is that
    language's name, the other left empty (the reader then sees it, as a fallback)."""
    words = [word for word in re.split(r"\s+", text.strip()) if word and word not in {"·", "-", "/", "|"}]
    chinese = [word for word in words if _CJK.search(word)]
    english = [word for word in words if not _CJK.search(word)]
    if not chinese:
        return text.strip(), ""
    if not english:
        return "", text.strip()
    return " ".join(english), " ".join(chinese)


def register_history(model) -> None:
    """django-simple-history for a model with names per language, registered after its
    translated fields exist so the audit history records every language. The history keeps
    plain copies of them: simple-history drops uniqueness from the fields it copies (a
    record repeats its row), which modeltranslation's field would otherwise bring back."""
    import simple_history
    from modeltranslation.fields import TranslationField

    simple_history.register(model)
    for field in model.history.model._meta.local_fields:
        if isinstance(field, TranslationField):
            field.__class__ = field.translated_field.__class__
