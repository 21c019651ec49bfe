"""Filter fields shared by the lists (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from crm.widgets import MonthSelect


class MonthFilter(django_filters.DateFilter):
    """A month in the URL (``YYYY-MM``), the first day of it as the value; a malformed one
    is an error next to the field. Give it a ``method`` that filters on the month."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m"])
        kwargs.setdefault("widget", MonthSelect(blank=_("Any month")))  # in the reader's language
        kwargs.setdefault("error_messages", {"invalid": _("Enter a month as YYYY-MM.")})
        super().__init__(*args, **kwargs)


class NamedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The options from ``(pk, name)`` rows: a team's thousand client groups cost no model
    instance each (most of the client list's time, for a supervisor)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class NamedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = NamedChoiceIterator


class NamedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ``ModelChoiceFilter`` over a model whose label is its ``name`` field; a chosen value
    is still looked up in the queryset (one query), so a hand-typed id outside it is invalid."""

    field_class = NamedChoiceField


def filters_active(params) -> bool:
    """Whether a list's folded filters carry a value (then they show unfolded): anything in the
    query but the page, the search box and the sort order."""
    return any(value for key, value in params.items() if key not in {"page", "q", "sort"})


class ScopedPeopleFilters:
    """For a FilterSet with ``owner`` and ``team`` filters over the viewer's scope (and
    ``self.user``): asking for someone outside it gives nothing, never another set of rows
    (issue #28, item 9). django-filter would drop an invalid choice and show everything; a
    manager has no such filters, so their ``?owner=`` would be ignored the same way."""

    scoped_params = ("owner", "team")
    out_of_scope_message = _("The account manager or team you asked for is not in your scope; nothing is shown.")

    @property
    def out_of_scope(self) -> list[str]:
        if not self.is_bound:
            return []
        wrong = []
        for name in self.scoped_params:
            value = str(self.data.get(name) or "")
            if not value:
                continue
            if name in self.filters:
                if name in self.form.errors:
                    wrong.append(name)
            elif value != str(self.user.pk if name == "owner" else self.user.team_id):
                wrong.append(name)
        return wrong

    @property
    def qs(self):
        return self.queryset.none() if self.out_of_scope else super().qs
