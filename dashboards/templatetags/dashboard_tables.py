"""The business board's cells, written in Python: an admin's board is 200 managers × 8
indicators, 3,200 cells, which the template engine took about 100 ms to render on every
view of the served (cached) board (issue #31: served boards ≤ 100 ms)."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _shown(value) -> str:
    return "—" if value is None else conditional_escape(localize(value))


@register.simple_tag
def business_cells(row) -> str:
    """A row's target and actual cells in the order of the indicators; an abnormal actual is
    red, marked ``data-abnormal`` and said ("abnormal") to a screen reader."""
    said = '<span class="visually-hidden"> {}</span>'.format(conditional_escape(gettext("abnormal")))
    cells = []
    for cell in row.cell_list:
        cells.append(f'<td class="text-end text-body-secondary small">{_shown(cell.target)}</td>')
        if cell.abnormal:
            cells.append(
                f'<td class="text-end text-danger fw-semibold" data-abnormal="1">{_shown(cell.actual)}{said}</td>'
            )
        else:
            cells.append(f'<td class="text-end">{_shown(cell.actual)}</td>')
    return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped
