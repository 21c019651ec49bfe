from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year the file lists; its days already in the calendar are replaced by the file's."),
    )
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or .xlsx with the columns date, kind, name: "
            "e.g. 2026-10-01,holiday,National Day or 2026-10-10,working_day,National Day (班)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
