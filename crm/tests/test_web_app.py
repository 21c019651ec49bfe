"""The installable web app (issue #30 item 1): a manifest named in the page's language and
a service worker served from the root, never cached by the browser, with a version."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escapejs

from crm import pwa


def test_the_worker_is_served_from_the_root_with_a_version_and_no_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert f'var VERSION = "{escapejs(pwa.app_version())}";' in body
    assert 'var STATIC_PREFIX = "/static/";' in body


def test_the_version_can_be_set(settings):
    settings.CRM_APP_VERSION = "2026.12"
    pwa.app_version.cache_clear()
    try:
        assert pwa.app_version().startswith("2026.12-")
    finally:
        pwa.app_version.cache_clear()


@pytest.mark.parametrize(("lang", "name"), [("en", "Account manager CRM"), ("zh-hans", None)])
def test_the_manifest_names_the_app_in_the_pages_language(client, lang, name):
    response = client.get(f"{reverse('manifest')}?lang={lang}")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["lang"] == lang and data["display"] == "standalone"
    assert data["start_url"] == reverse("visits:sheet")
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    if name:
        assert data["name"] == name
    else:  # the Chinese name, once the lead's catalogue has it; never the English one then
        assert data["name"]


def test_an_unknown_language_falls_back_to_the_active_one(client):
    data = json.loads(client.get(f"{reverse('manifest')}?lang=<script>").content)
    assert data["lang"] == "en"


def test_every_page_links_the_manifest_and_loads_the_offline_scripts(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="manifest"' in html and "js/offline.js" in html and "data-crm-user" not in html
