"""The visit board's tables written by template tags (dashboards/templatetags/dashboard_tables.py)
show what the template's loops showed, escaped the same way: compared with those loops."""

import re

from django.template import Context, Template
from django.urls import reverse

from accounts.models import User
from dashboards.figures import ManagerVisits
from interactions.selectors import RequestRow

# The template's loops as they were before the tags (templates/dashboards/visits.html).
VISIT_LOOP = """{% load crm_numbers %}{% for row in rows %}
      <tr>
        <th scope="row"><a href="{{ calendar_url }}?month={{ month_code }}&amp;owner={{ row.owner_id }}">{{ row.name }}</a></th>
        <td class="text-end">{{ row.done }} / {{ row.planned }}</td>
        <td class="text-end{% if row.below_target %} text-danger fw-semibold{% endif %}" data-testid="completion">{{ row.completion|percent }}</td>
        <td class="text-end">{{ row.coverage|percent }}</td>
        <td class="text-end"><a href="{{ clients_url }}?owner={{ row.owner_id }}&amp;overdue=true{{ team_query }}">{{ row.overdue_clients }}</a></td>
        <td class="text-end"><a href="{{ clients_url }}?owner={{ row.owner_id }}&amp;not_visited={{ month_code }}{{ team_query }}">{{ row.not_visited }}</a></td>
        <td class="text-end">{{ row.temporary }}</td>
        <td class="text-end">{{ row.strategies_done }} / {{ row.strategies_total }}</td>
        <td class="text-end" data-testid="checklist-missed">{{ row.checklist_missed }}</td>
      </tr>{% endfor %}"""  # noqa: E501
REQUEST_LOOP = """{% load crm_numbers %}{% for row in rows %}
      <tr><th scope="row">{{ row.owner }}</th><td class="text-end">{{ row.received }}</td><td class="text-end">{{ row.on_time_rate|percent }}</td>
        <td class="text-end{% if row.reply_late %} text-danger fw-semibold{% endif %}">{{ row.reply_late }}</td><td class="text-end{% if row.visit_late %} text-danger fw-semibold{% endif %}">{{ row.visit_late }}</td><td class="text-end">{{ row.waiting }}</td></tr>{% endfor %}"""  # noqa: E501


def _same_html(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_visit_rows_are_the_loops_rows():
    rows = [
        ManagerVisits(owner_id=7, name='Wang <b>"Li"</b> & Co', planned=20, done=15, overdue_clients=1234,
                      not_visited=3, temporary=2, strategies_total=4, strategies_done=1, clients_in_plan=3,
                      clients_covered=2, checklist_missed=5),
        ManagerVisits(owner_id=12, name="王芳"),  # nothing planned: no completion, no coverage
        ManagerVisits(owner_id=13, name="Zhou", planned=3, done=3, clients_in_plan=1, clients_covered=1),
    ]  # fmt: skip
    context = {
        "rows": rows,
        "month_code": "2026-11",
        "team_query": "&team=3",
        "calendar_url": reverse("visits:calendar"),
        "clients_url": reverse("clients:list"),
    }
    written = Template(
        "{% load dashboard_tables %}{% visit_rows rows month_code team_query calendar_url clients_url %}"
    ).render(Context(context))
    assert _same_html(written) == _same_html(Template(VISIT_LOOP).render(Context(context)))
    assert "Wang &lt;b&gt;&quot;Li&quot;&lt;/b&gt; &amp; Co" in written
    assert 'class="text-end text-danger fw-semibold" data-testid="completion">75%<' in written
    # One cell a line: a test (or a person reading the source) finds a cell by its line.
    assert sum('data-testid="completion"' in line for line in written.splitlines()) == 3


def test_the_request_rows_are_the_loops_rows():
    rows = [
        RequestRow(User(username="wang", first_name="<i>Wang</i>"), received=10, due=8, replied_on_time=6,
                   reply_late=2, visit_late=0, waiting=1),
        RequestRow(User(username="li"), received=1),  # nothing due yet: no rate
    ]  # fmt: skip
    written = Template("{% load dashboard_tables %}{% manager_request_rows rows %}").render(Context({"rows": rows}))
    assert _same_html(written) == _same_html(Template(REQUEST_LOOP).render(Context({"rows": rows})))
    assert "&lt;i&gt;Wang&lt;/i&gt;" in written and "<i>" not in written
