"""Form rendering for the pages everyone opens all day."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join

from crm.widgets import MonthSelect

register = template.Library()


@register.simple_tag
def month_select(name, month, *, id=None, size="form-select-sm w-auto", invalid=False, disabled=False):
    """A month filter or field as a list of months in the reader's language (crm.widgets.MonthSelect)."""
    classes = " ".join(c for c in ["form-select", size, "is-invalid" if invalid else ""] if c)
    return MonthSelect(attrs={"id": id or name, "class": classes, "disabled": bool(disabled)}).render(name, month)


@register.filter
def filter_field(field: BoundField) -> str:
    """A list page's filter field in the markup crispy's Bootstrap 5 pack gives it (label,
    control, errors, help), written here: crispy's templates cost a third of a list page's
    time. Checkboxes and other widgets go through crispy as before."""
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    classes = dict.fromkeys([*widget.attrs.get("class", "").split(), css, *(["is-invalid"] if field.errors else [])])
    control = field.as_widget(attrs={"class": " ".join(classes)})
    errors = ""
    if field.errors:  # the control's aria-describedby names this container
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id, format_html_join("", "<p>{}</p>", ((error,) for error in field.errors)),
        )  # fmt: skip
    help_text = ""
    if field.help_text:  # Django's aria-describedby names "<id>_helptext"
        help_text = format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id, field.id_for_label, field.label, control, errors, help_text,
    )  # fmt: skip
