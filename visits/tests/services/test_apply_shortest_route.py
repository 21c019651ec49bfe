"""services.apply_shortest_route: the manager's own visits of the day put in the shortest
order, from the profile's start point, unlocated clients last; others' visits untouched."""

from datetime import time
from decimal import Decimal

import pytest

from clients.tests.factories import ClientFactory
from tests import clock
from visits import services
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY


def visit_at(owner, name, longitude, **extra):
    client = ClientFactory(
        owner=owner,
        name=name,
        latitude=Decimal("30.25") if longitude is not None else None,
        longitude=Decimal(str(longitude)) if longitude is not None else None,
    )
    return PlannedVisitFactory(owner=owner, client=client, date=TODAY, method="on_site", **extra)


def route(owner):
    return list(
        PlannedVisit.objects.filter(owner=owner, date=TODAY)
        .order_by("route_order")
        .values_list("client__name", flat=True)
    )


def test_orders_from_the_start_point_with_unlocated_clients_last(manager):
    # West to east on one parallel, planned in a zigzag; the manager starts east of them all.
    planned = [("A-west", 120.10), ("nowhere", None), ("C-east", 120.20), ("B-mid", 120.15)]
    for order, (name, longitude) in enumerate(planned, 1):
        visit_at(manager, name, longitude, route_order=order)
    manager.route_start_latitude, manager.route_start_longitude = Decimal("30.25"), Decimal("120.21")
    manager.save()
    result = services.apply_shortest_route(manager, TODAY)
    assert route(manager) == ["C-east", "B-mid", "A-west", "nowhere"]
    assert len(result.unlocated) == 1
    assert result.metres < result.given_metres


def test_without_a_start_point_the_first_stop_stays_first_and_appointments_keep_their_order(manager):
    visit_at(manager, "first", 120.15, route_order=1)
    visit_at(manager, "late-near", 120.16, route_order=2, appointment_time=time(15))
    visit_at(manager, "early-far", 120.30, route_order=3, appointment_time=time(9))
    services.apply_shortest_route(manager, TODAY)
    assert route(manager) == ["first", "early-far", "late-near"]


def test_only_the_managers_own_visits_move(manager, teammate):
    mine = [visit_at(manager, f"mine-{n}", 120.1 + n / 100, route_order=5 - n) for n in range(4)]
    theirs = [visit_at(teammate, f"theirs-{n}", 120.1 + n / 100, route_order=5 - n) for n in range(3)]
    before = {v.pk: v.route_order for v in theirs}
    services.apply_shortest_route(manager, TODAY)
    assert {v.pk: v.route_order for v in PlannedVisit.objects.filter(owner=teammate)} == before
    assert sorted(PlannedVisit.objects.filter(pk__in=[v.pk for v in mine]).values_list("route_order", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
