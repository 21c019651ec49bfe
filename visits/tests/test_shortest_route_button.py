"""The "Shortest route" button on the day sheet and the weekly arrangement: a POST that orders
the user's own day and comes back to the page it was pressed on."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tests import clock
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY
URL = reverse("visits:route_shortest")


@pytest.fixture
def day(manager):
    """Three stops on a line, planned east, west, middle; one client without a location."""
    visits = []
    for order, (name, longitude) in enumerate([("east", "120.20"), ("west", "120.10"), ("mid", "120.15")], 1):
        client = ClientFactory(owner=manager, name=name, latitude=Decimal("30.25"), longitude=Decimal(longitude))
        visits.append(PlannedVisitFactory(owner=manager, client=client, date=TODAY, route_order=order))
    nowhere = ClientFactory(owner=manager, name="nowhere")
    visits.append(PlannedVisitFactory(owner=manager, client=nowhere, date=TODAY, route_order=1))
    return visits


def names(owner):
    visits = PlannedVisit.objects.filter(owner=owner, date=TODAY).order_by("route_order")
    return list(visits.values_list("client__name", flat=True))


def test_both_pages_offer_the_button_to_their_owner(client, manager, day):
    client.force_login(manager)
    for page in ("visits:sheet", "visits:week"):
        response = client.get(f"{reverse(page)}?day={TODAY:%Y-%m-%d}")
        assert b'data-testid="shortest-route"' in response.content
        assert response.content.count(b'data-testid="no-location"') == 1


def test_the_sheet_says_which_clients_have_no_location(client, manager, day):
    client.force_login(manager)
    response = client.get(f"{reverse('visits:sheet')}?day={TODAY:%Y-%m-%d}")
    assert b'data-testid="unlocated-note"' in response.content


def test_pressed_on_the_sheet_it_orders_the_day_and_returns_there(client, manager, day):
    client.force_login(manager)
    response = client.post(URL, {"day": f"{TODAY:%Y-%m-%d}", "back": "sheet"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('visits:sheet')}?day={TODAY:%Y-%m-%d}"
    assert names(manager) == ["east", "mid", "west", "nowhere"]
    shown = [str(m) for m in response.context["messages"]]
    assert any("1 client has no location" in m for m in shown)


def test_pressed_on_the_week_it_returns_to_the_week_and_hand_order_still_works(client, manager, day):
    client.force_login(manager)
    response = client.post(URL, {"day": f"{TODAY:%Y-%m-%d}", "back": "week"})
    assert response.url == f"{reverse('visits:week')}?day={TODAY:%Y-%m-%d}"
    # By hand afterwards, as before: west first.
    data = {f"order-{v.pk}": str(n) for n, v in enumerate([day[1], day[0], day[2], day[3]], 1)}
    client.post(f"{reverse('visits:week')}?day={TODAY:%Y-%m-%d}", data)
    assert names(manager) == ["west", "east", "mid", "nowhere"]


def test_someone_else_pressing_it_leaves_the_managers_day_alone(client, teammate, supervisor, manager, day):
    for user in (teammate, supervisor):
        client.force_login(user)
        client.post(URL, {"day": f"{TODAY:%Y-%m-%d}"})
    assert names(manager) == ["east", "nowhere", "west", "mid"]  # route_order, then name: unchanged


def test_a_get_or_a_bad_day_changes_nothing_and_never_fails(client, manager, day):
    client.force_login(manager)
    assert client.get(URL).status_code == 405
    response = client.post(URL, {"day": "2024-13-45'; drop table"})
    assert response.status_code == 302
