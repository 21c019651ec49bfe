"""Choice labels read from a table built once per field and language.

Django's ``get_FOO_display`` rebuilds a hashable copy of the field's choices on every
call, translating each label to hash it: 25–40 µs a call. The client file calls it a
hundred times (every contact's role, influence and channel), a few milliseconds of a
page that must answer in 60 (issue #31). The labels depend only on the field and the
active language, so they are kept per (field, language).
"""

from __future__ import annotations

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[models.Field, str | None], dict] = {}


def choice_labels(field: models.Field) -> dict:
    """``{value: label}`` of ``field`` in the active language."""
    key = (field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {make_hashable(value): force_str(label) for value, label in field.flatchoices}
    return labels


class QuickChoiceLabels:
    """Mixin (before ``models.Model``) whose ``get_FOO_display`` reads ``choice_labels``.
    Only for fields with fixed choices, as every field of this project has."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)
