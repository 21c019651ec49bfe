"""Widgets for long choice lists, a search box that picks one of thousands, and a month in the
reader's language."""

from datetime import date, datetime
from html import escape

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


def _attributes(attrs: dict) -> str:
    """HTML attributes, escaped: ``True`` alone, ``False`` and ``None`` left out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(str(value))}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelect(forms.Select):
    """A ``<select>`` written in Python.

    Django renders every ``<option>`` through a template, about half a millisecond each;
    a team's groups or a month list still have many. Same HTML, same attributes (crispy's
    classes, ``required``, ``aria-*``), option groups included. A list that would hold a
    manager's whole book of clients is a ``SearchPicker`` instead (issue #31).
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
        return mark_safe(f"<select{_attributes(final)}>{''.join(parts)}</select>")  # noqa: S308 (parts are escaped)

    @staticmethod
    def _options(choices, selected: set[str]) -> str:
        parts = []
        for value, label in choices:
            key = "" if value is None else str(value)
            mark = " selected" if key in selected else ""
            parts.append(f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>')
        return "".join(parts)


class SearchPicker(forms.Widget):
    """One row of thousands chosen through a search box, not a list of them all (issue #31):
    a text field (``<name>_text``) and a hidden field (``<name>``) with the chosen row's id.

    With JavaScript (static/js/search.js, ``data-pick``) the text field is a WAI-ARIA
    combobox: as one types, it asks ``url`` (``?q=``, JSON ``{"results": [{"id", "label",
    "detail"}], "more"}``) and lists what matches; choosing one fills the hidden id, typing
    again empties it. Without JavaScript, or when nothing was chosen, the text is sent alone
    and the form's field resolves it (``clients.forms.ClientPickerField``). The value given to
    ``render`` is ``(id, text)``; ``value_from_datadict`` answers the same pair.
    """

    text_suffix = "_text"
    max_length = 100
    none_found = _("Nothing matches: try the code, or fewer letters.")
    more_found = _("More match than are listed: type more of the name.")

    def __init__(self, attrs=None, *, url: str = ""):
        super().__init__(attrs)
        self.url = url

    def value_from_datadict(self, data, files, name):
        return data.get(name), data.get(name + self.text_suffix)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + self.text_suffix not in data

    def id_for_label(self, id_):
        return id_  # the label names the text field

    def render(self, name, value, attrs=None, renderer=None):
        chosen, text = value if isinstance(value, tuple) else ("", "")
        final = self.build_attrs(self.attrs, attrs)
        field_id = final.get("id") or f"id_{name}"
        final.update(
            {
                "type": "text",
                "name": name + self.text_suffix,
                "id": field_id,
                "value": text or "",
                "maxlength": self.max_length,
                "autocomplete": "off",
                "spellcheck": "false",
                "data-pick": self.url,
                "data-pick-into": f"{field_id}_id",
                "data-pick-none": str(self.none_found),
                "data-pick-more": str(self.more_found),
            }
        )
        hidden = {"type": "hidden", "name": name, "id": f"{field_id}_id", "value": "" if chosen is None else chosen}
        return mark_safe(f"<input{_attributes(final)}><input{_attributes(hidden)}>")  # noqa: S308 (escaped)


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
