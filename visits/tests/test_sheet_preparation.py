"""The daily sheet shows each stop's visit type and what to bring (seed 000: materials,
samples, gifts, the client file), and the manager's way to change the type; in a
constant number of queries."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db


def test_each_stop_shows_its_preparation_list(client, manager, visit_types):
    key = visit_types["key_client"]
    routine = visit_types["routine"]
    PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager, name="Acme Tea"), visit_type=key)
    PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager, name="Bo Shop"), visit_type=routine)
    client.force_login(manager)
    response = client.get(reverse("visits:sheet"))
    html = response.content.decode()
    stops = html.split('data-testid="stop"')[1:]
    acme = next(stop for stop in stops if "Acme Tea" in stop)
    for item in key.preparation_items.all():
        assert f"☐ {item.text}" in acme
    assert "Key client visit" in acme and "A small gift" in acme
    bo = next(stop for stop in stops if "Bo Shop" in stop)
    assert "A small gift" not in bo and "The client file" in bo
    assert html.count('data-testid="change-visit-type"') == 2


def test_a_supervisor_sees_the_list_but_cannot_change_the_type(client, manager, supervisor, visit_types):
    PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager), visit_type=visit_types["retention"])
    client.force_login(supervisor)
    html = client.get(reverse("visits:sheet"), {"owner": manager.pk}).content.decode()
    assert "Retention offers" in html and 'data-testid="change-visit-type"' not in html


def test_the_preparation_lists_cost_a_fixed_number_of_queries(client, manager, visit_types,
                                                              django_assert_max_num_queries):  # fmt: skip
    codes = list(visit_types)
    client.force_login(manager)
    client.get(reverse("visits:sheet"))  # the inbox count, cached after this
    PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager), visit_type=visit_types["routine"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("visits:sheet"))
    for i in range(12):
        PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager), visit_type=visit_types[codes[i % 6]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("visits:sheet")).status_code == 200
