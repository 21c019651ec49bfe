from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.uploads import AttachmentsField

from .models import Category, Complaint


class ComplaintForm(forms.ModelForm):
    attachments = AttachmentsField(label=_("Evidence (files)"), required=False)

    class Meta:
        model = Complaint
        fields = ["channel", "category", "severity", "needs_on_site", "contact", "received_at", "description"]
        widgets = {
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related("parent")
        self.fields["contact"].queryset = client.contacts.all()
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value < timezone.now() - timedelta(days=366):
            raise forms.ValidationError(_("A complaint older than a year cannot be registered."))
        return value


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 2}))
    compensation = forms.CharField(label=_("Compensation or apology"), max_length=300, required=False)
    compensation_amount = forms.DecimalField(
        label=_("Compensation amount"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReturnVisitForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Is the client satisfied?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
