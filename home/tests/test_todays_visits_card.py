"""The manager's home card "Today's visits": one tap to the day's sheet, and on a day
without visits (a weekend) the next working day's visits instead of an empty card."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests import clock
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db

TODAY = clock.TODAY  # Wednesday 2026-12-09 unless CRM_TEST_NOW moves it


def saturday_after(day):
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


def card(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="today-card"')
    return html[start : html.index("</div></div>", start)]


def test_the_card_and_its_visits_open_the_days_sheet(client, manager):
    visit = PlannedVisitFactory(client__owner=manager, client__name="Lotus Tea", date=TODAY)
    client.force_login(manager)
    html = card(client.get(reverse("home:start")))
    sheet = f"{reverse('visits:sheet')}?day={TODAY:%Y-%m-%d}"
    assert f'href="{sheet}#stop-{visit.pk}"' in html  # the visit opens its stop on the sheet
    assert f'href="{sheet}" data-testid="open-sheet"' in html  # the button opens the sheet
    assert reverse("visits:calendar") not in html


def test_on_a_weekend_the_card_shows_the_next_working_days_visits(client, manager):
    saturday = saturday_after(TODAY)
    monday = saturday + timedelta(days=2)
    PlannedVisitFactory(client__owner=manager, client__name="Monday Mill", date=monday)
    PlannedVisitFactory(client__owner=manager, client__name="Tuesday Tiles", date=monday + timedelta(days=1))
    with time_machine.travel(datetime(saturday.year, saturday.month, saturday.day, 9, 0, tzinfo=clock.TIME_ZONE)):
        client.force_login(manager)  # a session opened days before would have expired
        response = client.get(reverse("home:start"))
    html = card(response)
    assert response.context["visits_day"] == monday
    assert "Monday Mill" in html and "Tuesday Tiles" not in html
    assert "No visits planned today." in html and f"{monday:%m-%d}" in html
    assert f'href="{reverse("visits:sheet")}?day={monday:%Y-%m-%d}" data-testid="open-sheet"' in html


def test_a_day_with_visits_shows_them_and_not_the_next_day(client, manager):
    PlannedVisitFactory(client__owner=manager, client__name="Today Tea", date=TODAY)
    PlannedVisitFactory(client__owner=manager, client__name="Tomorrow Tiles", date=TODAY + timedelta(days=1))
    client.force_login(manager)
    response = client.get(reverse("home:start"))
    html = card(response)
    assert response.context["visits_day"] == TODAY
    assert "Today Tea" in html and "Tomorrow Tiles" not in html and "No visits planned today." not in html


def test_the_home_page_stays_at_a_constant_number_of_queries(client, manager, django_assert_max_num_queries):
    saturday = saturday_after(TODAY)
    PlannedVisitFactory.create_batch(2, client__owner=manager, date=saturday + timedelta(days=2))
    moment = datetime(saturday.year, saturday.month, saturday.day, 9, 0, tzinfo=clock.TIME_ZONE)
    with time_machine.travel(moment):
        client.force_login(manager)
        with django_assert_max_num_queries(40) as few:
            client.get(reverse("home:start"))
        PlannedVisitFactory.create_batch(8, client__owner=manager, date=saturday + timedelta(days=2))
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("home:start"))
