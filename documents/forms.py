from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
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


_NEW_DOCUMENT_FORMS: dict[str | None, SafeString] = {}


def new_document_form_html() -> SafeString:
    """The client file's upload form, always empty, as HTML rendered once per language.

    Rendering it with crispy took 2–5 ms of every client file (issue #31), for the same
    fields each time. No CSRF token inside: the page's ``<form>`` carries its own (a token
    kept here would be another visitor's)."""
    language = get_language()
    html = _NEW_DOCUMENT_FORMS.get(language)
    if html is None:
        form = DocumentForm()
        form.helper.disable_csrf = True
        html = _NEW_DOCUMENT_FORMS[language] = render_crispy_form(form)
    return html


class ExpiryForm(forms.Form):
    expires_on = forms.DateField(label=_("Expires or renews on"), required=False, widget=DateInput())

    def clean_expires_on(self):
        return check_expiry(self.cleaned_data.get("expires_on"))
