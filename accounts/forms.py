from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User


class _CrispyMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label, css_class="w-100 w-sm-auto"))


class LoginForm(_CrispyMixin, AuthenticationForm):
    submit_label = _("Log in")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ProfileForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "last_name",
            "first_name",
            "email",
            "phone",
            "language",
            "email_notifications",
            "route_start_latitude",
            "route_start_longitude",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}
        help_texts = {
            "route_start_latitude": _("Where your day's route starts (e.g. 30.274085); empty: at the first stop."),
        }

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("route_start_latitude"), cleaned.get("route_start_longitude")
        if (latitude is None) != (longitude is None) and not self.errors:
            missing = "route_start_longitude" if longitude is None else "route_start_latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
        return cleaned


class CrmPasswordChangeForm(_CrispyMixin, PasswordChangeForm):
    submit_label = _("Change password")
