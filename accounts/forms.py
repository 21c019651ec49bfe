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
        fields = ["last_name", "first_name", "email", "phone", "language", "email_notifications"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class CrmPasswordChangeForm(_CrispyMixin, PasswordChangeForm):
    submit_label = _("Change password")
