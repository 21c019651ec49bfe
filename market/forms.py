"""The observations a visit log or a call carries: a formset of small rows. One form
checks a row for every entry point: the web's formset, the API's list and the offline
phone (which sends the formset's own fields to the API)."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ShelfPosition

PREFIX = "observations"
MAX_OBSERVATIONS = 10
FIELDS = ("brand", "product", "price", "promotion", "shelf_position", "shelf_share", "remark")


class ObservationForm(forms.Form):
    brand = forms.CharField(label=_("Competitor brand"), max_length=120)
    product = forms.CharField(label=_("Product"), max_length=120, required=False)
    price = forms.DecimalField(label=_("Price"), required=False, min_value=0, max_digits=12, decimal_places=2)
    promotion = forms.CharField(label=_("Promotion"), max_length=200, required=False)
    shelf_position = forms.ChoiceField(
        label=_("Shelf position"), required=False, choices=[("", "---------"), *ShelfPosition.choices]
    )
    shelf_share = forms.IntegerField(label=_("Shelf share (%)"), required=False, min_value=0, max_value=100)
    remark = forms.CharField(
        label=_("Remark"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].widget.attrs["placeholder"] = _("e.g. the competitor's brand")
        self.fields["price"].widget.attrs["inputmode"] = "decimal"


class BaseObservationFormSet(forms.BaseFormSet):
    def observations(self) -> list[dict]:
        """The filled rows' values (rows left empty are skipped), once the formset is valid."""
        return [
            {name: form.cleaned_data.get(name) for name in FIELDS}
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ObservationFormSet = forms.formset_factory(
    ObservationForm,
    formset=BaseObservationFormSet,
    extra=1,
    max_num=MAX_OBSERVATIONS,
    validate_max=True,
    absolute_max=MAX_OBSERVATIONS,
)


def observation_formset(data=None) -> BaseObservationFormSet:
    """The formset of a visit log or a call; a form sent without it (an older page, a
    script) has no observations rather than an error."""
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = data.copy()
        data.update({f"{PREFIX}-TOTAL_FORMS": "0", f"{PREFIX}-INITIAL_FORMS": "0"})
    return ObservationFormSet(data, prefix=PREFIX)


def check_observations(rows) -> list[dict]:
    """The API's ``observations``: a list of objects (or that list as JSON text, in a
    multipart request); each row checked by ``ObservationForm``. Raises ValidationError
    with the errors of each row, by position."""
    if isinstance(rows, str):
        try:
            rows = json.loads(rows) if rows.strip() else []
        except ValueError:
            raise ValidationError(_("Send the observations as a list of objects (JSON).")) from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValidationError(_("Send the observations as a list of objects (JSON)."))
    if len(rows) > MAX_OBSERVATIONS:
        raise ValidationError(_("At most %(count)s observations at a time.") % {"count": MAX_OBSERVATIONS})
    cleaned, errors = [], {}
    for index, row in enumerate(rows):
        form = ObservationForm({name: "" if row.get(name) is None else row.get(name) for name in FIELDS})
        if form.is_valid():
            cleaned.append({name: form.cleaned_data.get(name) for name in FIELDS})
        else:
            errors[str(index)] = [f"{field}: {text}" for field, texts in form.errors.items() for text in texts]
    if errors:
        raise ValidationError(errors)
    return cleaned


def observations_of_formset_fields(data) -> list[dict] | None:
    """The offline phone sends the web form's fields (``observations-0-brand`` ...) to the
    API: read them with the web's formset. None when the request has no such fields."""
    if f"{PREFIX}-TOTAL_FORMS" not in data:
        return None
    formset = observation_formset(data)
    if not formset.is_valid():
        messages = [str(e) for e in formset.non_form_errors()]
        for index, form in enumerate(formset.forms):
            for field, field_errors in form.errors.items():
                messages += [f"{index + 1}. {form.fields[field].label if field in form.fields else field}: {e}"
                             for e in field_errors]  # fmt: skip
        raise ValidationError(messages)
    return formset.observations()
