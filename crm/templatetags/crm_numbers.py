"""Number formatting for dashboards and tables, as filters: cheaper than an include per
cell on a board of 200 rows."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(value):
    """``12.5`` → "12.5%", ``12.0`` → "12%", ``None`` (nothing to divide by) → "—"."""
    if value is None:
        return "—"
    return f"{floatformat(value, '-1')}%"
