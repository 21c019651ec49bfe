"""The day's map and the "Navigate" link (issue #30 item 7): settings read in one place.

The map is Leaflet (vendored, static/vendor/leaflet) drawing tiles from ``CRM_MAP_TILES``;
without it the pages show the ordered list alone. ``CRM_NAVIGATE_URL`` opens the phone's
map app at a client's position.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

from crm.config import map_tile_source


def map_settings() -> dict | None:
    """What the page's map needs (tile template, attribution), or None: no map."""
    if not settings.CRM_MAP_TILES:
        return None
    return {"tiles": settings.CRM_MAP_TILES, "attribution": settings.CRM_MAP_ATTRIBUTION}


def allow_map_tiles(response):
    """Let this page load the tiles: their one host added to the CSP's img-src."""
    source = map_tile_source(settings.CRM_MAP_TILES)
    if source:
        response._csp_update = {"img-src": [source]}
    return response


def navigate_url(latitude, longitude, name: str) -> str:
    """The link that opens the phone's map app at this position; empty without a position."""
    if latitude is None or longitude is None:
        return ""
    url = settings.CRM_NAVIGATE_URL
    for placeholder, value in (("{lat}", latitude), ("{lng}", longitude), ("{name}", name)):
        url = url.replace(placeholder, quote(str(value), safe=""))
    return url
