"""The visit log's checklist: one section of the log form, for the visit's type
(``services.check_visit_contents`` decides; this only collects the answers).

Field names are those the API takes in a multipart post (``check_<item id>``, "on" when
done, and ``check_<item id>_note``), so the phone's outbox can send this form as it is."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from .models import VisitType

NOTE_MAX = 500
CHECK_FIELD = re.compile(r"^check_(\d{1,18})$")
NOTE_FIELD = re.compile(r"^check_(\d{1,18})_note$")


def checklist_from_fields(data) -> tuple[dict[int, tuple[bool, str]], dict[str, list[str]]]:
    """({item id: (done, note)}, errors) from flat fields named as on the web form (a
    multipart post from the phone's outbox). Names that are not checklist fields are left
    alone; a note longer than ``NOTE_MAX`` is an error on its field."""
    answers: dict[int, tuple[bool, str]] = {}
    errors: dict[str, list[str]] = {}
    for name in data:
        if match := CHECK_FIELD.match(name):
            value = str(data.get(name, "")).strip().lower()
            pk = int(match[1])
            answers[pk] = (value in {"on", "true", "1", "yes"}, answers.get(pk, (False, ""))[1])
        elif match := NOTE_FIELD.match(name):
            note = str(data.get(name, "")).strip()
            pk = int(match[1])
            if len(note) > NOTE_MAX:
                errors[name] = [str(_("At most %(max)s characters.") % {"max": NOTE_MAX})]
            elif "\x00" in note:
                errors[name] = [str(ProhibitNullCharactersValidator.message)]
                note = ""
            answers[pk] = (answers.get(pk, (False, ""))[0], note[:NOTE_MAX])
    return answers, errors


class TypeField(forms.ModelChoiceField):
    """A type in use, by id; ``known``: the type in use the page already read (the one shown),
    taken without reading it again when the form carries its id."""

    known: VisitType | None = None

    def to_python(self, value):
        known = self.known
        if known is not None and known.is_active and value not in self.empty_values and str(value) == str(known.pk):
            return known
        return super().to_python(value)


class ChecklistForm(forms.Form):
    """The checklist items of ``visit_type``, each checked or not with a note; the type
    itself travels in a hidden field, so the answer is checked against the list shown."""

    visit_type = TypeField(queryset=VisitType.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, visit_type: VisitType | None, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.visit_type = visit_type
        self.items = list(items)
        self.fields["visit_type"].queryset = VisitType.objects.filter(is_active=True)
        self.fields["visit_type"].initial = visit_type.pk if visit_type else None
        self.fields["visit_type"].known = visit_type
        for item in self.items:
            self.fields[f"check_{item.pk}"] = forms.BooleanField(label=item.text, required=False)
            self.fields[f"check_{item.pk}_note"] = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)

    def full_clean(self):
        super().full_clean()
        if "visit_type" in self._errors:  # a page out of date, or a type changed on the way
            del self._errors["visit_type"]
            self.add_error(None, _("This page was out of date or changed on the way: reload it and try again."))

    def rows(self):
        """(item, checkbox, note) for the template, in the type's order."""
        return [(item, self[f"check_{item.pk}"], self[f"check_{item.pk}_note"]) for item in self.items]

    def answers(self) -> dict[int, tuple[bool, str]]:
        data = self.cleaned_data
        return {
            item.pk: (bool(data.get(f"check_{item.pk}")), data.get(f"check_{item.pk}_note", "")) for item in self.items
        }
