from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.widgets import FastSelect

from .models import Client, ClientGroup, Contact
from .services import assignable_owners


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClientForm(forms.ModelForm):
    owner = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none(), widget=FastSelect)
    owner_change_reason = forms.CharField(
        label=_("Reason for changing the account manager"), required=False, max_length=300
    )

    class Meta:
        model = Client
        fields = [
            "code", "name", "client_type", "industry", "size", "status", "tier", "group",
            "start_date", "tenure", "address", "phone", "email", "visit_method", "visit_frequency",
            "visit_frequency_reason", "notes",
        ]  # fmt: skip
        widgets = {
            "start_date": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["group"].queryset = ClientGroup.objects.select_related("tier")
        owners = assignable_owners(user)
        if user.is_manager:
            # A manager's clients are their own; only supervisors and admins assign.
            del self.fields["owner"]
            del self.fields["owner_change_reason"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].initial = self.instance.owner_id if self.instance.pk else user.pk
            if not self.instance.pk:
                del self.fields["owner_change_reason"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="w-100 w-sm-auto"))

    def clean(self):
        data = super().clean()
        if self.instance.pk and "owner" in self.fields:
            owner = data.get("owner")
            if owner and owner.pk != self.instance.owner_id and not data.get("owner_change_reason", "").strip():
                self.add_error("owner_change_reason", _("Give a reason for changing the account manager."))
        frequency_changed = "visit_frequency" in self.changed_data and data.get("visit_frequency")
        if frequency_changed and self.instance.pk and not data.get("visit_frequency_reason", "").strip():
            self.add_error("visit_frequency_reason", _("Give a reason for setting the visit frequency by hand."))
        return data

    @property
    def new_owner(self) -> User | None:
        return self.cleaned_data.get("owner")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name", "title", "mobile", "office_phone", "email", "birthday", "is_key_person",
            "decision_role", "influence", "preferred_channel", "notes",
        ]  # fmt: skip
        widgets = {
            "birthday": DateInput(),
            "mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "office_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="w-100 w-sm-auto"))

    def clean(self):
        data = super().clean()
        if data.get("is_key_person") and not data.get("decision_role"):
            self.add_error("decision_role", _("Say what role this key person plays in decisions."))
        return data
