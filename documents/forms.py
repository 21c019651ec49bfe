from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput
from crm.uploads import AttachmentField

from .models import ClientDocument

# An expiry more than this far back is a typing mistake, not a document in force.
MAX_YEARS_BACK = 1
MAX_YEARS_AHEAD = 50


def check_expiry(value):
    if value is None:
        return value
    today = timezone.localdate()
    if value.year < today.year - MAX_YEARS_BACK or value.year > today.year + MAX_YEARS_AHEAD:
        raise forms.ValidationError(_("Give an expiry date between last year and fifty years from now."))
    return value


class DocumentForm(forms.ModelForm):
    """A new document for a client, or a new version of one (the same upload rules as
    complaint evidence: crm.uploads)."""

    file = AttachmentField(label=_("File"), help_text=_("PDF, images, text, Word, Excel or e-mail; at most 10 MB."))

    class Meta:
        model = ClientDocument
        fields = ["kind", "title", "file", "expires_on"]
        widgets = {"expires_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = _("e.g. Supply contract 2027")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_expires_on(self):
        return check_expiry(self.cleaned_data.get("expires_on"))


class ExpiryForm(forms.Form):
    expires_on = forms.DateField(label=_("Expires or renews on"), required=False, widget=DateInput())

    def clean_expires_on(self):
        return check_expiry(self.cleaned_data.get("expires_on"))
