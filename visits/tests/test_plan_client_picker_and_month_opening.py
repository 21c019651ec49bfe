"""The visit plan's client picker is a search box (clients.forms.ClientPickerField; js/search.js
asks clients:pick as one types; tests/browser/test_day_on_phone.py types in it), not a list of
the whole book, and the calendar's month list on a phone opens at today, or at the next day
with visits."""

from datetime import timedelta

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules, services
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db

TODAY = clock.TODAY


def test_the_visit_plans_client_picker_is_a_search_box(client, manager, supervisor):
    ClientFactory.create_batch(3, owner=manager)
    plan = services.start_plan(owner=manager, month=rules.month_start(TODAY), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    client.force_login(manager)
    html = client.get(reverse("visits:schedule")).content.decode()
    picker = html[html.index('name="client_text"') :]
    assert f'data-pick="{reverse("clients:pick")}?owner={manager.pk}"' in picker[: picker.index(">")]
    assert '<select name="client"' not in html


def test_the_month_list_opens_at_today_or_the_next_day_with_visits(client, manager):
    shop = ClientFactory(owner=manager)
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=1)):
        PlannedVisitFactory(client=shop, date=day)
    client.force_login(manager)
    response = client.get(reverse("visits:calendar"))
    assert response.context["opening_day"] == TODAY + timedelta(days=1)  # today has none
    assert response.content.decode().count("data-scroll-here") == 1
    PlannedVisitFactory(client=shop, date=TODAY)
    assert client.get(reverse("visits:calendar")).context["opening_day"] == TODAY


def test_another_month_opens_at_its_top(client, manager):
    PlannedVisitFactory(client=ClientFactory(owner=manager), date=rules.previous_month(TODAY))
    client.force_login(manager)
    response = client.get(f"{reverse('visits:calendar')}?month={rules.previous_month(TODAY):%Y-%m}")
    assert response.context["opening_day"] is None and "data-scroll-here" not in response.content.decode()
