"""Filter fields shared by the lists (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class MonthFilter(django_filters.DateFilter):
    """A month in the URL (``YYYY-MM``), the first day of it as the value; a malformed one
    is an error next to the field. Give it a ``method`` that filters on the month."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"))
        kwargs.setdefault("error_messages", {"invalid": _("Enter a month as YYYY-MM.")})
        super().__init__(*args, **kwargs)
