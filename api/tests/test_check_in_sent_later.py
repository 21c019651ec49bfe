"""Check-in and check-out sent later by a phone without a signal (issue #30 item 3, the
contract in notes): the time it happened (``at``) within bounds, the late arrival recorded,
an ``Idempotency-Key`` that replays the first answer, and the web session with CSRF."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.tests.factories import ClientFactory
from visits import rules, services
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
LAT, LON = Decimal("30.250000"), Decimal("120.160000")


def api_for(user) -> APIClient:
    _token, raw = ApiToken.issue(user, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


@pytest.fixture
def visit(manager, supervisor):
    today = timezone.localdate()
    client = ClientFactory(owner=manager, latitude=LAT, longitude=LON)
    plan = services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return PlannedVisitFactory(owner=manager, client=client, date=today)


def check_in(api, visit, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": body.pop("key")} if "key" in body else {}
    return api.post(f"/api/v1/visits/{visit.pk}/check-in/", body, format="json", **headers)


def test_a_check_in_kept_offline_takes_its_own_time_and_is_recorded_as_sent_later(manager, visit):
    happened = timezone.now() - timedelta(minutes=40)
    taken = happened - timedelta(seconds=30)
    response = check_in(api_for(manager), visit, latitude="30.25", longitude="120.16", accuracy=12.5,
                        position_at=taken.isoformat(), at=happened.isoformat())  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    visit.refresh_from_db()
    assert visit.checked_in_at == happened
    assert visit.check_in_sent_at is not None and visit.check_in_sent_at - happened >= timedelta(minutes=40)
    assert body["check_in_sent_at"] is not None and body["check_in_accuracy"] == 12
    assert body["check_in_inaccurate"] is False and body["check_in_position_stale"] is False


def test_a_check_in_sent_at_once_is_not_late(manager, visit):
    response = check_in(api_for(manager), visit, at=(timezone.now() - timedelta(seconds=30)).isoformat())
    assert response.status_code == 200 and response.json()["check_in_sent_at"] is None


@pytest.mark.parametrize(
    "shift",
    [timedelta(minutes=6), timedelta(days=-1)],
    ids=["more than 5 minutes ahead", "before the visit's day"],
)
def test_a_time_out_of_bounds_is_refused_on_the_field_at(manager, visit, shift):
    response = check_in(api_for(manager), visit, at=(timezone.now() + shift).isoformat())
    assert response.status_code == 400
    assert "at" in response.json()["error"]["fields"]
    assert PlannedVisit.objects.get(pk=visit.pk).checked_in_at is None


def test_a_check_out_kept_offline_is_bounded_and_recorded_as_sent_later(manager, visit):
    api = api_for(manager)
    start = timezone.now() - timedelta(minutes=50)
    assert check_in(api, visit, at=start.isoformat()).status_code == 200
    url = f"/api/v1/visits/{visit.pk}/check-out/"
    ahead = api.post(url, {"at": (timezone.now() + timedelta(minutes=10)).isoformat()}, format="json")
    assert ahead.status_code == 400 and "at" in ahead.json()["error"]["fields"]
    done = api.post(url, {"at": (start + timedelta(minutes=30)).isoformat()}, format="json")
    assert done.status_code == 200
    visit.refresh_from_db()
    assert visit.checked_out_at == start + timedelta(minutes=30) and visit.check_out_sent_at is not None


def test_a_check_in_sent_twice_with_its_key_is_answered_as_the_first_time(manager, visit):
    api = api_for(manager)
    body = {"latitude": "30.25", "longitude": "120.16", "at": timezone.now().isoformat(), "key": "in-1"}
    first = check_in(api, visit, **dict(body))
    again = check_in(api, visit, **dict(body))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    # Without the key, the second is the usual refusal; with a key used for another visit, 422.
    assert check_in(api, visit, at=body["at"]).status_code == 400
    other = PlannedVisitFactory(owner=manager, client=ClientFactory(owner=manager), date=visit.date)
    assert check_in(api, other, **dict(body)).status_code == 422


def test_a_refused_check_in_is_not_stored_under_its_key(manager, visit):
    api = api_for(manager)
    late = check_in(api, visit, at=(timezone.now() + timedelta(hours=1)).isoformat(), key="k")
    assert late.status_code == 400
    assert check_in(api, visit, at=timezone.now().isoformat(), key="k").status_code == 200


def test_the_web_session_checks_in_through_the_api_only_with_its_csrf_token(manager, visit):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(manager)
    url = f"/api/v1/visits/{visit.pk}/check-in/"
    refused = browser.post(url, {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    assert PlannedVisit.objects.get(pk=visit.pk).checked_in_at is None
    # The cookie is HttpOnly: the app takes the token from a page's form, as a form would.
    page = browser.get(reverse("visits:sheet")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = browser.post(url, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content
    assert browser.get("/api/v1/changes/").status_code == 200


def test_a_retry_sent_while_the_first_was_still_running_gets_the_first_answer(manager, visit, monkeypatch):
    """The phone sent the check-in twice at once: the second looked for the key before the
    first had kept its answer, then met "already checked in". It gets the first answer."""
    from api import views

    api = api_for(manager)
    first = check_in(api, visit, latitude="30.25", longitude="120.16", key="k-race")
    assert first.status_code == 200, first.content
    real = views.IdempotencyRecord
    looks = []

    class NotKeptYetAtFirstLook:
        class objects:
            @staticmethod
            def filter(**lookups):
                looks.append(lookups)
                return real.objects.none() if len(looks) == 1 else real.objects.filter(**lookups)

            create = staticmethod(real.objects.create)

    monkeypatch.setattr(views, "IdempotencyRecord", NotKeptYetAtFirstLook)
    again = check_in(api, visit, latitude="30.25", longitude="120.16", key="k-race")
    assert again.status_code == 200, again.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert len(looks) == 2
