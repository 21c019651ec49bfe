from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import ClientPickerField, DateInput
from clients.models import VisitMethod
from crm.forms import HiddenErrorsShown, MultipleFileField, MultipleFileInput

from .models import (
    MonthlyPlan,
    MonthResult,
    RetentionOutcome,
    ServiceStrategy,
    VisitType,
    WeeklyArrangement,
    WeeklySummary,
)
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
    # A search box, not a list: a manager's book is a thousand clients and more (issue #31).
    client = ClientPickerField(label=_("Client"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    appointment_time = forms.TimeField(
        label=_("Appointment time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("If a time was agreed with the client: punctuality is measured against it."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    visit_type = forms.ModelChoiceField(
        label=_("Visit type"),
        queryset=VisitType.objects.none(),
        required=False,
        empty_label=_("From the visit's reason"),
        help_text=_(
            "Left empty: a retention visit for a client tending to leave, a key-client visit for a key client."
        ),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].for_owner(owner)
        self.fields["visit_type"].queryset = VisitType.objects.filter(is_active=True)
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


PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
# The first bytes of each format: what the browser claims is not trusted.
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def is_photo(file) -> bool:
    name = (file.name or "").lower()
    if not any(name.endswith(ext) for ext in PHOTO_EXTENSIONS):
        return False
    head = file.read(16)
    file.seek(0)
    is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    is_heic = head[4:8] == b"ftyp"
    return head.startswith(PHOTO_SIGNATURES) or is_webp or is_heic


class PhotoField(MultipleFileField):
    """Up to five photos, 5 MB each: JPEG, PNG, WebP or HEIC, checked by their content."""

    max_files = 5
    max_bytes = 5 * 1024 * 1024
    too_many = _("Attach at most five photos.")
    too_large = _("“%(name)s” is larger than 5 MB.")

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(**kwargs)

    def check(self, file) -> None:
        if not is_photo(file):
            raise forms.ValidationError(_("“%(name)s” is not a photo.") % {"name": file.name})


class Lenient:
    """For a hidden field the page's script fills in (check-in time, location): a value
    that does not parse is dropped (None) rather than turned into an error nobody could
    see or fix. The visit is still saved, without it."""

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            return None


class LenientDateTimeField(Lenient, forms.DateTimeField):
    pass


class LenientDecimalField(Lenient, forms.DecimalField):
    pass


class VisitLogForm(HiddenErrorsShown, forms.Form):
    submission = forms.CharField(max_length=64, widget=forms.HiddenInput)
    checked_in_at = LenientDateTimeField(required=False, widget=forms.HiddenInput)
    latitude = LenientDecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = LenientDecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(label=_("Visit method"), choices=VisitMethod.choices, widget=forms.RadioSelect)
    strategies = forms.MultipleChoiceField(
        label=_("Strategies completed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    work_done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    opinions = forms.CharField(
        label=_("Client's opinions and suggestions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    market_anomalies = forms.CharField(
        label=_("Market anomalies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effect = forms.CharField(label=_("Effect of the visit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput())
    request = forms.CharField(
        label=_("A request the client made"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("You follow it up until the client is told the result (who visits, follows up)."),
    )
    photos = PhotoField(label=_("Photos"), required=False)
    # Only for a client with an active early warning: its retention visit (离网必访).
    retention_offer = forms.CharField(label=_("Retention offer"), required=False, max_length=300)
    retention_outcome = forms.ChoiceField(
        label=_("Retention outcome"), required=False, choices=[("", "---------"), *RetentionOutcome.choices]
    )

    def __init__(self, *args, strategies=(), retention=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategies"].choices = [(str(s.pk), s.text) for s in strategies]
        if not strategies:
            del self.fields["strategies"]
        if not retention:
            del self.fields["retention_offer"], self.fields["retention_outcome"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not -90 <= value <= 90:
            return None
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not -180 <= value <= 180:
            return None
        return value

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("next_follow_up") and data["next_follow_up"] < data["date"]:
            self.add_error("next_follow_up", _("The follow-up cannot be before the visit."))
        return data


class TemporaryTaskForm(forms.Form):
    description = forms.CharField(label=_("Unplanned work (●)"), max_length=300)
    client = ClientPickerField(label=_("Client"), required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].for_owner(owner)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ArrangementForm(forms.ModelForm):
    class Meta:
        model = WeeklyArrangement
        fields = ["market_information", "products_to_promote"]
        widgets = {
            "market_information": forms.Textarea(attrs={"rows": 2}),
            "products_to_promote": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ResultForm(forms.ModelForm):
    class Meta:
        model = MonthResult
        fields = ["plan_completion", "analysis_accuracy", "lessons"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class WeeklySummaryForm(forms.ModelForm):
    class Meta:
        model = WeeklySummary
        fields = ["assessment", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CheckForm(forms.Form):
    """Check in or out of a planned visit; the location is filled by the browser when it can."""

    action = forms.ChoiceField(choices=[("in", _("Check in")), ("out", _("Check out"))])
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    # How precise the browser's position is (metres) and when it was taken (checkins.location_flags).
    accuracy = forms.FloatField(min_value=0, max_value=1_000_000, required=False)
    position_at = forms.DateTimeField(required=False)


class VisitTypeChoiceForm(forms.Form):
    """Another type for a planned visit (the sheet's "Change type")."""

    visit_type = forms.ModelChoiceField(label=_("Visit type"), queryset=VisitType.objects.filter(is_active=True))
