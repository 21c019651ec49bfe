from datetime import timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput

from . import rules
from .models import InspectionItem, SpotCheck

REMARKS_MAX = 4000
COMMENT_MAX = 2000
# A spot check is recorded soon after the visit; a date further back is a typing mistake.
OLDEST_DAYS = 366


class SpotCheckForm(forms.Form):
    """The inspection sheet: kind, date, one line per active inspection item (meets the
    standard, note), a score and remarks."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SpotCheck.Kind.choices, initial=SpotCheck.Kind.SPOT_CHECK)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    score = forms.IntegerField(
        label=_("Score (0–100)"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(rules.MAX_SCORE)],
        widget=forms.NumberInput(attrs={"min": 0, "max": rules.MAX_SCORE}),
        help_text=_("Left empty, the score is the share of items that meet the standard."),
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=REMARKS_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.items = list(InspectionItem.objects.filter(is_active=True))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(label=item.name, required=False)
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note on “%(item)s”") % {"item": item.name}, required=False, max_length=300
            )

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("A spot check cannot be dated in the future."))
        if day < today - timedelta(days=OLDEST_DAYS):
            raise forms.ValidationError(_("A spot check is recorded within a year of the visit."))
        return day

    def rows(self):
        """(item, its box, its note) for the template: errors stay next to each."""
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self) -> dict[int, tuple[bool, str]]:
        data = self.cleaned_data
        return {item.pk: (data.get(f"item_{item.pk}", False), data.get(f"note_{item.pk}", "")) for item in self.items}


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment on the month's visit logs"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Write what you found in the visit logs."))
        return comment
