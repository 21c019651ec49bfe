"""Widgets for long choice lists."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` written in Python.

    Django renders every ``<option>`` through a template, about half a millisecond each;
    a manager's client list or a team's groups have thousands. Same HTML, same
    attributes (crispy's classes, ``required``, ``aria-*``), option groups included.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option_value, self._options(label, selected))
                )
            else:
                parts.append(self._options([(option_value, label)], selected))
        return mark_safe(f"<select{flatatt(final)}>{''.join(parts)}</select>")  # noqa: S308 (parts are escaped)

    @staticmethod
    def _options(choices, selected: set[str]) -> str:
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in selected else "", label)
                for key, label in ((("" if v is None else str(v)), label) for v, label in choices)
            ),
        )
