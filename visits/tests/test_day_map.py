"""The day's map and "Navigate" (issue #30 item 7): a map only with a tile URL, its one host in
the page's CSP, a link to the phone's map app on each stop that has a location."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from clients.tests.factories import ClientFactory
from crm.config import ConfigError, map_tile_source
from tests import clock
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY
OSM = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
SHEET = f"{reverse('visits:sheet')}?day={TODAY:%Y-%m-%d}"


@pytest.fixture
def day(manager):
    located = ClientFactory(
        owner=manager, name="West Lake & Co", latitude=Decimal("30.25"), longitude=Decimal("120.16")
    )
    nowhere = ClientFactory(owner=manager, name="Nowhere Ltd")
    return [
        PlannedVisitFactory(owner=manager, client=located, date=TODAY, route_order=1),
        PlannedVisitFactory(owner=manager, client=nowhere, date=TODAY, route_order=2),
    ]


def img_src(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(part for part in policy.split(";") if part.strip().startswith("img-src"))


@override_settings(CRM_MAP_TILES="")
def test_without_a_tile_url_the_sheet_is_the_ordered_list_alone(client, manager, day):
    client.force_login(manager)
    response = client.get(SHEET)
    assert b"data-map" not in response.content
    assert b"leaflet.js" not in response.content
    assert b'data-testid="stop"' in response.content
    assert "openstreetmap" not in img_src(response)


@override_settings(CRM_MAP_TILES=OSM, CRM_MAP_ATTRIBUTION="© OpenStreetMap")
def test_with_a_tile_url_the_sheet_has_the_map_its_stops_and_the_tile_host_in_the_csp(
    client, manager, day, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get(SHEET)  # the session and caches warm
    with django_assert_max_num_queries(12):
        response = client.get(SHEET)
    html = response.content.decode()
    assert 'data-testid="day-map"' in html
    assert f'data-tiles="{OSM}"' in html and 'data-attribution="© OpenStreetMap"' in html
    assert 'data-stop-lat="30.250000" data-stop-lng="120.160000" data-stop-number="1"' in html
    assert html.count("data-stop-lat") == 1  # the client without a location has no marker
    assert "vendor/leaflet/leaflet" in html and "js/day-map" in html
    assert "https://*.tile.openstreetmap.org" in img_src(response)
    # Only the map's page opens the CSP to the tiles.
    assert "openstreetmap" not in img_src(client.get(reverse("clients:list")))


def test_each_located_stop_has_a_navigate_link_with_the_default_geo_uri(client, manager, day):
    client.force_login(manager)
    html = client.get(SHEET).content.decode()
    assert 'href="geo:30.250000,120.160000?q=30.250000,120.160000(West%20Lake%20%26%20Co)"' in html
    assert html.count('data-testid="navigate"') == 1
    assert html.count('data-testid="no-location"') == 1


@override_settings(CRM_NAVIGATE_URL="https://uri.amap.com/marker?position={lng},{lat}&name={name}")
def test_the_navigate_template_is_configurable(client, manager, day):
    client.force_login(manager)
    html = client.get(SHEET).content.decode()
    assert 'href="https://uri.amap.com/marker?position=120.160000,30.250000&amp;name=West%20Lake%20%26%20Co"' in html


def test_the_csp_source_is_the_tile_templates_host():
    assert map_tile_source("") is None
    assert map_tile_source(OSM) == "https://*.tile.openstreetmap.org"
    amap = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
    assert map_tile_source(amap) == "https://*.is.autonavi.com"
    assert map_tile_source("http://127.0.0.1:8999/{z}/{x}/{y}.png") == "http://127.0.0.1:8999"
    for wrong in ("tiles/{z}/{x}/{y}.png", "javascript:alert(1)", "https://a.{s}.example.com/{z}.png"):
        with pytest.raises(ConfigError):
            map_tile_source(wrong)
