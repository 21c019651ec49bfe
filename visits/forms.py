from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput
from clients.models import Client

from .models import MonthlyPlan, ServiceStrategy
from .services import MAX_GENERATE_DAYS


class PlanForm(forms.ModelForm):
    class Meta:
        model = MonthlyPlan
        fields = ["last_month_problems", "focus", "satisfaction_target"]
        widgets = {
            "last_month_problems": forms.Textarea(attrs={"rows": 3}),
            "focus": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction_target"].max_value = 100
        self.fields["satisfaction_target"].widget.attrs["max"] = 100
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_satisfaction_target(self):
        value = self.cleaned_data["satisfaction_target"]
        if value > 100:
            raise forms.ValidationError(_("A share cannot be more than 100%."))
        return value


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you return the plan: say what to change."),
    )


class StrategyForm(forms.ModelForm):
    class Meta:
        model = ServiceStrategy
        fields = ["text"]
        labels = {"text": _("New item")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["placeholder"] = _("e.g. explain the new product")


class VisitForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(owner=owner).exclude(status=Client.Status.LOST)
        self.helper = FormHelper()
        self.helper.form_tag = False


class GenerateForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_GENERATE_DAYS:
            self.add_error("end", _("Generate at most three months at a time."))
        return data
