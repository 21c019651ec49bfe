from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.http import search_text
from crm.widgets import FastSelect, SearchPicker

from . import rules
from .duplicates import likely_duplicates
from .models import Client, ClientGroup, Contact, GradeProposal, KeyPersonType, Tier
from .selectors import clients_named, pickable_clients, visible_groups
from .services import assignable_owners


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClientPickerField(forms.Field):
    """One of a manager's clients, picked through a search box (``crm.widgets.SearchPicker``)
    instead of a list of the whole book (a thousand clients and more: issue #31).

    ``for_owner`` sets what it accepts: ``clients.selectors.pickable_clients`` (the owner's
    own clients, not lost), and the suggestions' address asks the same (``clients:pick``).
    The chosen id wins; without one (no JavaScript, or typed and not chosen) the text is
    resolved by ``clients.selectors.clients_named`` (a code, a name, or enough of one).
    Anything else is a field error, never a server error."""

    widget = SearchPicker
    default_error_messages = {
        "invalid_choice": _("Choose one of your clients."),
        "none": _("None of your clients matches “%(text)s”."),
        "several": _("Several of your clients match “%(text)s”: type more of the name, or the code."),
    }
    # A primary key longer than this is no client's (and would not fit in a bigint).
    MAX_ID_DIGITS = 18

    def __init__(self, *, queryset: QuerySet[Client] | None = None, **kwargs):
        kwargs.setdefault("help_text", _("A few letters of the client's name, or its code."))
        super().__init__(**kwargs)
        self.queryset = Client.objects.none() if queryset is None else queryset

    def for_owner(self, owner: User) -> None:
        self.queryset = pickable_clients(owner, owner=owner)
        self.widget.url = f"{reverse('clients:pick')}?{urlencode({'owner': owner.pk})}"

    def prepare_value(self, value):
        if isinstance(value, tuple):  # sent: shown again as it came
            return value
        if isinstance(value, Client):
            return value.pk, value.name
        if value in self.empty_values:
            return "", ""
        text = str(value)
        found = self._by_id(text)
        return (found.pk, found.name) if found else ("", "")

    def to_python(self, value):
        chosen, text = value if isinstance(value, tuple) else (value, "")
        chosen = str(chosen).strip() if isinstance(chosen, str | int) else ""
        if chosen:
            found = self._by_id(chosen)
            if found is None:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return found
        text = search_text(text if isinstance(text, str) else "", SearchPicker.max_length)
        if not text:
            return None
        found = clients_named(self.queryset, text)
        if len(found) == 1:
            return found[0]
        code = "several" if found else "none"
        raise forms.ValidationError(self.error_messages[code], code=code, params={"text": text})

    def _by_id(self, text: str) -> Client | None:
        if not (text.isascii() and text.isdigit()) or len(text) > self.MAX_ID_DIGITS:
            return None
        return self.queryset.filter(pk=int(text)).first()

    def has_changed(self, initial, data):
        initial_id = initial.pk if isinstance(initial, Client) else initial
        chosen = data[0] if isinstance(data, tuple) else data
        return str(initial_id or "") != str(chosen or "")


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
