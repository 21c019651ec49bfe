from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.widgets import FastSelect

from . import rules
from .duplicates import likely_duplicates
from .models import Client, ClientGroup, Contact, GradeProposal, KeyPersonType, Tier
from .selectors import visible_groups
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
    grade_change_reason = forms.CharField(
        label=_("Reason for changing the tier, type or size"),
        required=False,
        max_length=300,
        help_text=_("Required when the tier, type or size changes; kept in the client's history."),
    )
    # Shown once likely duplicates were found (issue #32): checked, the client is saved anyway.
    confirm_duplicates = forms.BooleanField(
        label=_("This is a new client: save it anyway"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Client
        fields = [
            "code", "name", "client_type", "industry", "size", "monthly_volume", "status", "tier", "group",
            "start_date", "tenure", "address", "latitude", "longitude", "phone", "email", "visit_method",
            "visit_frequency",
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
        if self.instance.pk and not rules.may_set_grade_directly(user):
            # SPEC "Grades change by proposal": a manager proposes from the client page; a
            # forged POST of these fields is ignored because the form has no such fields.
            for name in (*rules.GRADE_FIELDS, "grade_change_reason"):
                del self.fields[name]
        elif not self.instance.pk:
            del self.fields["grade_change_reason"]
        if self.instance.pk:
            del self.fields["confirm_duplicates"]
        self.duplicates = []
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
        if "confirm_duplicates" in self.fields and not self.errors and not data.get("confirm_duplicates"):
            self.duplicates = likely_duplicates(self.user, name=data.get("name", ""), phone=data.get("phone", ""))
            if self.duplicates:
                # Before saving, the likely duplicates are listed (the template) and the box asks
                # to confirm; everything typed stays in the form.
                self.fields["confirm_duplicates"].widget = forms.CheckboxInput()
                self.add_error(
                    "confirm_duplicates",
                    _("This client may already exist (see above). Check this box to save it anyway."),
                )
        return data

    @property
    def new_owner(self) -> User | None:
        return self.cleaned_data.get("owner")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name", "title", "mobile", "office_phone", "email", "birthday", "is_key_person", "key_person_type",
            "influences_group", "personal_card", "decision_role", "influence", "preferred_channel", "notes",
        ]  # fmt: skip
        widgets = {
            "birthday": DateInput(),
            "mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "office_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = ClientGroup.objects.all()
        if user is not None:
            # Only groups the user may see, and the one already recorded.
            groups = ClientGroup.objects.filter(
                Q(pk__in=visible_groups(user).values("pk")) | Q(pk=self.instance.influences_group_id)
            )
        self.fields["influences_group"].queryset = groups
        if user is None or user.is_manager:
            # A personal card raises a person's entitlements: supervisors and admins grant it.
            del self.fields["personal_card"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="w-100 w-sm-auto"))

    def clean(self):
        data = super().clean()
        kind = data.get("key_person_type")
        if kind:
            data["is_key_person"] = True
        elif data.get("is_key_person") and not data.get("decision_role"):
            self.add_error("decision_role", _("Say what role this key person plays in decisions."))
        if data.get("influences_group") and kind != KeyPersonType.INFLUENCER:
            self.add_error("influences_group", _("Only an influencer is recorded as influencing a group."))
        return data


class GradeProposalForm(forms.ModelForm):
    class Meta:
        model = GradeProposal
        fields = ["proposed_tier", "proposed_client_type", "proposed_size", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "proposed_tier": _("Leave empty to keep the current tier."),
            "proposed_client_type": _("Leave empty to keep the current type."),
            "proposed_size": _("Leave empty to keep the current size."),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["proposed_tier"].queryset = Tier.objects.exclude(pk=client.tier_id)
        self.fields["proposed_client_type"].choices = [("", "---------")] + [
            choice for choice in Client.Type.choices if choice[0] != client.client_type
        ]
        self.fields["proposed_size"].choices = [("", "---------")] + [
            choice for choice in Client.Size.choices if choice[0] != client.size
        ]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Propose"), css_class="w-100 w-sm-auto"))

    def clean(self):
        data = super().clean()
        if not (data.get("proposed_tier") or data.get("proposed_client_type") or data.get("proposed_size")):
            raise forms.ValidationError(_("Propose at least one change: a new tier, type or size."))
        return data


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject: say why."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say why the proposal is rejected."))
        return data
