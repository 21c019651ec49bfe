from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput
from clients.models import Client, ClientGroup, Contact, Tier
from crm.forms import HiddenErrorsShown, IdsChoiceField

from .models import BULK_CHANNELS, LOG_CHANNELS, BulkMessage, Interaction

MAX_DAYS_BACK = 366


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class InteractionForm(HiddenErrorsShown, forms.Form):
    """Quick to fill on a phone: channel and direction are big radio buttons, the rest
    is one summary box; the request and promise parts are optional."""

    submission = forms.CharField(max_length=64, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=LOG_CHANNELS, widget=forms.RadioSelect)
    direction = forms.ChoiceField(label=_("Direction"), choices=Interaction.Direction.choices, widget=forms.RadioSelect)
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none(), required=False)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    is_request = forms.BooleanField(label=_("The client asked for something: reply within 24 hours"), required=False)
    visit_needed = forms.BooleanField(label=_("It needs a visit: plan one within 48 hours"), required=False)
    promise = forms.CharField(label=_("Promised follow-up"), max_length=300, required=False)
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput())

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client=client).order_by("-is_key_person", "name")
        self.fields["is_request"].help_text = _("Late requests show on your list and your supervisor's dashboard.")
        self.fields["promise"].widget.attrs["placeholder"] = _("e.g. send the new price list")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("An interaction cannot be logged for a time that has not come yet."))
        if value < timezone.now() - timezone.timedelta(days=MAX_DAYS_BACK):
            raise forms.ValidationError(_("An interaction can be logged up to a year back."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("follow_up_on") and not data.get("promise"):
            self.add_error("promise", _("Say what was promised for the follow-up date."))
        if data.get("promise") and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give the date by which to follow up."))
        return data


class ReplyForm(forms.Form):
    note = forms.CharField(label=_("Reply"), max_length=300, required=False)


class PlanVisitForm(forms.Form):
    date = forms.DateField(label=_("Visit on"), widget=DateInput())


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)


class MessageForm(forms.Form):
    """A message and the clients it goes to, chosen by tier, group, status, industry or size."""

    channel = forms.ChoiceField(label=_("Channel"), choices=BULK_CHANNELS)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    tiers = IdsChoiceField(
        label=_("Tiers"), queryset=Tier.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = IdsChoiceField(label=_("Group clients"), queryset=ClientGroup.objects.none(), required=False)
    statuses = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Client.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[Client.Status.ACTIVE],
    )
    industries = forms.MultipleChoiceField(label=_("Industries"), choices=Client.Industry.choices, required=False)
    sizes = forms.MultipleChoiceField(
        label=_("Sizes"), choices=Client.Size.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients
        self.fields["groups"].queryset = ClientGroup.objects.filter(
            pk__in=clients.exclude(group__isnull=True).values("group_id")
        )
        self.fields["tiers"].help_text = _("Leave a part empty to take every value.")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "tiers": [t.pk for t in data["tiers"]],
            "groups": [g.pk for g in data["groups"]],
            "statuses": list(data["statuses"]),
            "industries": list(data["industries"]),
            "sizes": list(data["sizes"]),
        }

    def selected(self):
        return select(self.clients, self.criteria())


def select(clients, criteria: dict):
    lookups = {"tiers": "tier__in", "groups": "group__in", "statuses": "status__in", "industries": "industry__in",
               "sizes": "size__in"}  # fmt: skip
    for key, lookup in lookups.items():
        if criteria.get(key):
            clients = clients.filter(**{lookup: criteria[key]})
    return clients


class MessageDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=300,
        required=False,
        help_text=_("Required when you reject the message: say what to change."),
    )


__all__ = ["BulkMessage", "InteractionForm", "MessageDecisionForm", "MessageForm"]
