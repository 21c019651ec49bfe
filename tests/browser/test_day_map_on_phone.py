"""On a phone, with a tile URL set: the day sheet's map draws a numbered marker per located
stop (Leaflet, static/js/day-map.js), under the CSP. The tiles point at a local port where
nothing answers: only the markers are checked."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from tests.browser.helpers import log_in
from visits.tests.factories import PlannedVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "map-pass-2026"
VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@override_settings(CRM_MAP_TILES="http://127.0.0.1:9/{z}/{x}/{y}.png", CRM_MAP_ATTRIBUTION="Test tiles")
def test_the_map_shows_a_marker_per_located_stop(live_server, phone):
    manager = ManagerFactory(username="map_mgr", password=PASSWORD)
    today = timezone.localdate()
    for order, longitude in enumerate(["120.10", "120.15", None], 1):
        located = {"latitude": Decimal("30.25"), "longitude": Decimal(longitude)} if longitude else {}
        client = ClientFactory(owner=manager, name=f"Stop {order}", **located)
        PlannedVisitFactory(owner=manager, client=client, date=today, route_order=order)
    page = phone()
    page.add_init_script(VIOLATIONS)
    log_in(page, live_server.url, "map_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/today/")
    markers = page.locator("[data-testid=day-map] .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 2
    assert markers.all_inner_texts() == ["1", "2"]
    assert page.locator("[data-testid=day-map] .leaflet-control-attribution").inner_text().endswith("Test tiles")
    assert page.evaluate("window.cspViolations") == []
