"""Hostile input on the spot-check and review pages (the project's fuzzing, tests/security):
every POST form and the lists' query strings, with random and huge text, payloads, bad
dates and numbers and other teams' ids. Never a 500, never the payload unescaped, nothing
recorded for another team."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import strategies as st

from clients.tests.factories import ClientFactory
from inspections.models import SpotCheck, VisitLogReview
from tests.security.test_hostile_input import Forms, assert_safe, explore, ids, strategy_for, texts
from visits.rules import previous_month

from .factories import SpotCheckFactory

pytestmark = pytest.mark.django_db


def test_forms_survive_hostile_input(client, supervisor, manager, other_manager):
    from django.utils import timezone

    mine = ClientFactory(owner=manager)
    theirs = ClientFactory(owner=other_manager)
    check = SpotCheckFactory(client=mine)
    month = f"{previous_month(timezone.localdate()):%Y-%m}"
    foreign_ids = st.sampled_from([theirs.pk, other_manager.pk, other_manager.team_id]).map(str)
    create = f"{reverse('inspections:create')}?client={mine.pk}"
    pages = {
        supervisor: [create, reverse("inspections:review", args=[manager.pk, month])],
        manager: [check.get_absolute_url()],
    }
    tried = 0
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            parser = Forms()
            parser.feed(client.get(path).content.decode())
            forms = [form for form in parser.forms if form["fields"] and "/i18n/" not in form["action"]
                     and "/logout/" not in form["action"]]  # fmt: skip
            assert forms, path
            for form in forms:
                action = form["action"] or path
                strategies = {name: strategy_for(field, foreign_ids) for name, field in form["fields"].items()}

                def fuzz(values, action=action):
                    nonlocal tried
                    data = {name: value for name, value in values.items() if value is not None}
                    with transaction.atomic():
                        response = client.post(action, data)
                        assert_safe(response, action)
                        if response.status_code == 302 and response.url.startswith("/"):
                            assert_safe(client.get(response.url), f"after {action}")
                        assert not SpotCheck.objects.filter(client=theirs).exists()
                        assert not VisitLogReview.objects.filter(manager=other_manager).exists()
                        transaction.set_rollback(True)
                    tried += 1

                explore(fuzz, st.fixed_dictionaries(strategies))
    assert tried >= 3


BAD_IDS = ["0", "-1", "99999999999999999999", "abc", "1e3", "%00", "1;DROP"]


def test_bad_ids_months_and_query_strings_never_500(client, supervisor, manager):
    from urllib.parse import urlencode

    client.force_login(supervisor)
    for value in BAD_IDS:
        assert client.get(f"{reverse('inspections:create')}?{urlencode({'client': value})}").status_code == 404
        assert client.get(f"{reverse('inspections:create')}?{urlencode({'q': value * 500})}").status_code == 200
    for month in ["2026-13", "0000-01", "9999-12", "abc", "2026-02-30", "2026-1"]:
        assert client.get(f"/inspections/reviews/{manager.pk}/{month}/").status_code in {200, 404}
    assert client.get("/inspections/reviews/99999999999999999/2026-01/").status_code == 404
    assert client.get("/inspections/999999999999/").status_code == 404

    def fuzz(params):
        for path in (reverse("inspections:list"), reverse("inspections:reviews")):
            response = client.get(f"{path}?{urlencode(params)}")
            assert_safe(response, path)
            assert response.status_code in {200, 404}

    names = ["status", "team", "page", "month"]
    explore(fuzz, st.dictionaries(st.sampled_from(names), st.one_of(texts, ids), max_size=len(names)))
