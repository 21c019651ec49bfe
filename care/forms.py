from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Contact
from crm.widgets import FastSelect

from . import selectors
from .models import DeclinedGift, EventInvitation, Gift


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} · {obj.client.name}"


class OwnClientsForm(forms.ModelForm):
    """Offers only the user's own clients (and their people)."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none(), widget=FastSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = selectors.own_clients(user)
        if "contact" in self.fields:
            self.fields["contact"].queryset = selectors.own_contacts(user)

    def clean(self):
        cleaned = super().clean()
        client, contact = cleaned.get("client"), cleaned.get("contact")
        if client and contact and contact.client_id != client.pk:
            self.add_error("contact", _("This person does not belong to the client."))
        return cleaned


class GiftForm(OwnClientsForm):
    contact = PersonChoiceField(
        label=_("Recipient"), queryset=Contact.objects.none(), required=False, widget=FastSelect
    )

    class Meta:
        model = Gift
        fields = ["client", "contact", "occasion", "item", "value", "given_on"]
        widgets = {"given_on": DateInput()}

    def __init__(self, *args, threshold: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].min_value = 0
        self.fields["value"].validators.append(MinValueValidator(0))
        self.fields["value"].widget.attrs["min"] = 0
        self.fields["value"].help_text = _("Above %(amount)s yuan the supervisor approves the gift.") % {
            "amount": threshold
        }
        self.fields["given_on"].initial = timezone.localdate


class DeclinedGiftForm(OwnClientsForm):
    class Meta:
        model = DeclinedGift
        fields = ["client", "offered_on", "description"]
        widgets = {"offered_on": DateInput()}


class EventInvitationForm(OwnClientsForm):
    contact = PersonChoiceField(label=_("Invitee"), queryset=Contact.objects.none(), required=False, widget=FastSelect)

    class Meta:
        model = EventInvitation
        fields = ["event_name", "event_date", "client", "contact", "sent_on"]
        widgets = {"event_date": DateInput(), "sent_on": DateInput()}
        help_texts = {"sent_on": _("Invitations go out one to two weeks before the event.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate

    def clean(self):
        cleaned = super().clean()
        sent_on, event_date = cleaned.get("sent_on"), cleaned.get("event_date")
        if sent_on and event_date and sent_on > event_date:
            self.add_error("sent_on", _("The invitation cannot be sent after the event."))
        return cleaned


class GiftDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say why the gift is rejected."))
        return cleaned


class InvitationUpdateForm(forms.Form):
    rsvp = forms.ChoiceField(label=_("Answer"), choices=EventInvitation.Rsvp.choices)
    attended = forms.NullBooleanField(
        label=_("Attended"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("Not confirmed")), ("true", _("Yes")), ("false", _("No"))]),
    )
