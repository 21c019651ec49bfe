"""Widgets for long choice lists."""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` written in Python.

    Django renders every ``<option>`` through a template, about half a millisecond each;
    a manager's client list or a team's groups have thousands. Same HTML, same
    attributes (crispy's classes, ``required``, ``aria-*``), option groups included.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
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
