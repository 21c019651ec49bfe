"""Widgets for long choice lists, and a month in the reader's language."""

from datetime import date, datetime
from html import escape

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class FastSelect(forms.Select):
    """A ``<select>`` written in Python.

    Django renders every ``<option>`` through a template, about half a millisecond each;
    a manager's client list or a team's groups have thousands. Same HTML, same
    attributes (crispy's classes, ``required``, ``aria-*``), option groups included.

    ``searchable=True`` puts a search box above it (static/js/crm.js, ``data-search``)
    that narrows the options as one types: a manager picks one of a thousand clients by a
    few letters of the name or code. Without JavaScript it is the plain list.
    """

    search_label = _("Search the list")

    def __init__(self, attrs=None, choices=(), *, searchable: bool = False):
        super().__init__(attrs, choices)
        self.searchable = searchable

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.searchable:
            final["data-search"] = str(self.search_label)
        if self.allow_multiple_selected:
            final["multiple"] = True
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(
                    f'<optgroup label="{escape(str(option_value))}">{self._options(label, selected)}</optgroup>'
                )
            else:
                parts.append(self._options([(option_value, label)], selected))
        attributes = "".join(
            f" {key}" if value is True else f' {key}="{escape(str(value))}"'
            for key, value in final.items()
            if value is not False and value is not None
        )
        return mark_safe(f"<select{attributes}>{''.join(parts)}</select>")  # noqa: S308 (parts are escaped)

    @staticmethod
    def _options(choices, selected: set[str]) -> str:
        parts = []
        for value, label in choices:
            key = "" if value is None else str(value)
            mark = " selected" if key in selected else ""
            parts.append(f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>')
        return "".join(parts)


# The months a month list offers, around today (the chosen month is always there too).
MONTHS_BACK = 24
MONTHS_AHEAD = 12


def month_choices(selected=None, blank=None) -> list[tuple[str, str]]:
    """``(YYYY-MM, name)`` from a year ahead of today back to two years before it, newest first,
    named in the active language ("2026年12月", "December 2026"); ``selected`` (a date or
    ``YYYY-MM``) is added when outside them; a ``blank`` label adds an empty first choice."""
    today = timezone.localdate()
    now = today.year * 12 + today.month - 1
    indexes = set(range(now - MONTHS_BACK, now + MONTHS_AHEAD + 1))
    if isinstance(selected, date):
        indexes.add(selected.year * 12 + selected.month - 1)
    elif isinstance(selected, str):
        try:
            chosen = datetime.strptime(selected.strip(), "%Y-%m")
        except ValueError:
            pass
        else:
            indexes.add(chosen.year * 12 + chosen.month - 1)
    months = [date(i // 12, i % 12 + 1, 1) for i in sorted(indexes, reverse=True) if 1 <= i // 12 <= 9999]
    choices = [(f"{m:%Y-%m}", date_format(m, "YEAR_MONTH_FORMAT")) for m in months]
    return [("", blank), *choices] if blank is not None else choices


class MonthSelect(FastSelect):
    """A month (its value ``YYYY-MM``) chosen from a list written in the reader's language.

    Not ``<input type="month">``: Chromium draws that in its own interface language whatever
    the page's (a Chinese page in an English Chromium shows "December 2026"), and Firefox and
    Safari show a bare text box (issue #29). ``blank``: the label of an empty first choice."""

    def __init__(self, attrs=None, blank=None):
        super().__init__(attrs)
        self.blank = blank

    def format_value(self, value):
        if isinstance(value, date):
            return [f"{value:%Y-%m}"]
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        self.choices = month_choices(value, None if self.blank is None else str(self.blank))
        return super().render(name, value, attrs, renderer)
