"""Number formatting for dashboards and tables, as filters: cheaper than an include per
cell on a board of 200 rows."""

from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language

register = template.Library()


@register.filter
def percent(value):
    """``12.5`` → "12.5%", ``12.0`` → "12%", ``None`` (nothing to divide by) → "—"."""
    if value is None:
        return "—"
    if type(value) in (int, float):
        # A board shows hundreds of them, most alike (one decimal: a thousand values at most):
        # each formatted once per language (floatformat reads the language's formats).
        return _percent(value, get_language())
    return f"{floatformat(value, '-1')}%"


@lru_cache(maxsize=4096)
def _percent(value: float, language: str | None) -> str:
    return f"{floatformat(value, '-1')}%"
