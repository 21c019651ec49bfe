"""Helpers shared by every app's forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when it names one
    the form has, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    """A service's ValidationError as one line, for a message at the top of the page."""
    return " ".join(error.messages)


class HiddenErrorsShown:
    """Form mixin: an error on a hidden field (a token the page put there, changed on the
    way) would be shown nowhere; it is shown at the top of the form instead."""

    def full_clean(self):
        super().full_clean()
        hidden = [name for name, field in self.fields.items() if field.widget.is_hidden and name in self._errors]
        for name in hidden:
            del self._errors[name]
            self.cleaned_data.pop(name, None)
        if hidden:
            self.add_error(None, _("This page was out of date or changed on the way: reload it and try again."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads in one field: a cap on their number and size, and ``check`` for
    what each kind of upload accepts."""

    max_files = 5
    max_bytes = 5 * 1024 * 1024
    too_many = ""  # subclasses give the messages
    too_large = ""  # with %(name)s

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def check(self, file) -> None:
        """Raise ValidationError when this file is not acceptable."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(self.too_many)
        for file in files:
            super().clean(file, initial)
            self.check(file)
            if file.size > self.max_bytes:
                raise forms.ValidationError(self.too_large % {"name": file.name})
        return files


MAX_ID = 2**63 - 1  # the largest primary key any database here stores


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no database column can hold (a
    20-digit id otherwise overflows in the database driver instead of being invalid)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not text.isdecimal() or int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class NamedInSomeLanguage(forms.ModelForm):
    """An admin form for a model with names per language (crm/i18n.py): each required name
    is given in at least one language (the reader of the other sees that one), so nothing
    is saved nameless."""

    def clean(self):
        from modeltranslation.translator import translator

        data = super().clean()
        model = self._meta.model
        for field, translations in translator.get_options_for_model(model).all_fields.items():
            if model._meta.get_field(field).blank:
                continue
            names = [translation.name for translation in translations if translation.name in self.fields]
            if names and not any(data.get(name) for name in names):
                self.add_error(names[0], _("Give a name in at least one language."))
        return data
