"""The big tables of the boards, their cells written in Python: an admin's board lists 200
managers, and the template engine took about 100 ms to render the business board's 3,200
cells, and 40 ms the visit board's two tables of 200 rows, on every view of the served
(cached) board (issue #31: served boards ≤ 100 ms). Every value is escaped here as the
template would have escaped it."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from crm.templatetags.crm_numbers import percent

register = template.Library()


def _shown(value) -> str:
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() writes for a whole number without grouping, 10 times faster
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


@register.simple_tag
def visit_rows(rows, month_code: str, team_query: str, calendar_url: str, clients_url: str) -> str:
    """The visit board's rows (``figures.ManagerVisits``), one per manager: their name links
    to their calendar of the month, the overdue and not-visited counts to those clients; a
    plan completion below the target is red. A cell a line, so each is found by its line."""
    month_code, team_query = conditional_escape(month_code), conditional_escape(team_query)
    calendar_url, clients_url = conditional_escape(calendar_url), conditional_escape(clients_url)
    lines = []
    for row in rows:
        owner = int(row.owner_id)
        below = " text-danger fw-semibold" if row.below_target else ""
        clients = f"{clients_url}?owner={owner}"
        lines += [
            "<tr>",
            f'<th scope="row"><a href="{calendar_url}?month={month_code}&amp;owner={owner}">'
            f"{conditional_escape(row.name)}</a></th>",
            f'<td class="text-end">{_shown(row.done)} / {_shown(row.planned)}</td>',
            f'<td class="text-end{below}" data-testid="completion">{conditional_escape(percent(row.completion))}</td>',
            f'<td class="text-end">{conditional_escape(percent(row.coverage))}</td>',
            f'<td class="text-end"><a href="{clients}&amp;overdue=true{team_query}">'
            f"{_shown(row.overdue_clients)}</a></td>",
            f'<td class="text-end"><a href="{clients}&amp;not_visited={month_code}{team_query}">'
            f"{_shown(row.not_visited)}</a></td>",
            f'<td class="text-end">{_shown(row.temporary)}</td>',
            f'<td class="text-end">{_shown(row.strategies_done)} / {_shown(row.strategies_total)}</td>',
            f'<td class="text-end" data-testid="checklist-missed">{_shown(row.checklist_missed)}</td>',
            "</tr>",
        ]
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


@register.simple_tag
def manager_request_rows(rows) -> str:
    """The client requests by manager (``interactions.selectors.RequestRow``); late replies
    and late visits are red."""
    lines = []
    for row in rows:
        reply_late = " text-danger fw-semibold" if row.reply_late else ""
        visit_late = " text-danger fw-semibold" if row.visit_late else ""
        lines.append(
            f'<tr><th scope="row">{conditional_escape(row.owner)}</th><td class="text-end">{_shown(row.received)}</td>'
            f'<td class="text-end">{conditional_escape(percent(row.on_time_rate))}</td>'
            f'<td class="text-end{reply_late}">{_shown(row.reply_late)}</td>'
            f'<td class="text-end{visit_late}">{_shown(row.visit_late)}</td>'
            f'<td class="text-end">{_shown(row.waiting)}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
