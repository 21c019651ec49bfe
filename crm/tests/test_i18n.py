from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"

pytestmark = pytest.mark.django_db


def test_browser_language_picks_simplified_chinese(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert response.headers["Content-Language"] == "zh-hans"
    assert "客户经理" in response.content.decode()


def test_english_browser_gets_english(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "en"
    assert "Account manager CRM" in response.content.decode()


def test_language_switcher_sets_the_language(client, manager):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "客户经理" in client.get(reverse("home:start")).content.decode()


def test_zh_hans_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 50
    mo = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(CATALOGUE / "django.mo"))}
    stale = [
        e.msgid for e in po.translated_entries() if not e.msgid_plural and mo.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert stale == [], "django.mo is out of date: run `make messages`"
