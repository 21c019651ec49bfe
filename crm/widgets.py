"""Widgets for long choice lists."""

from html import escape

from django import forms
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
