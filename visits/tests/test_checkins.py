"""Checking in and out on site: the rules on fixed times, the day sheet's buttons, the API."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.tests.factories import ClientFactory
from visits import checkins, rules, services
from visits.models import VisitLog
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# West Lake, Hangzhou; 0.01 degree of latitude is about 1.1 km.
LAT, LON = Decimal("30.250000"), Decimal("120.160000")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def visits(manager, supervisor):
    today = timezone.localdate()
    near = ClientFactory(owner=manager, name="Near Co", latitude=LAT, longitude=LON)
    other = ClientFactory(owner=manager, name="Other Co")
    plan = services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return [PlannedVisitFactory(owner=manager, client=c, date=today, method="on_site") for c in (near, other)]


def at(minutes: int) -> datetime:
    """Today 10:00 in Shanghai, plus minutes."""
    today = timezone.localdate()
    return datetime(today.year, today.month, today.day, 10, 0, tzinfo=SHANGHAI) + timedelta(minutes=minutes)


def test_distance_is_measured_in_metres():
    assert checkins.distance_m(LAT, LON, LAT + Decimal("0.01"), LON) == 1112


def test_check_in_near_and_far_one_visit_at_a_time_and_a_minimum_duration(manager, visits):
    near, other = visits
    visit = checkins.check_in(near, by=manager, latitude=LAT + Decimal("0.001"), longitude=LON, at=at(0))
    assert (visit.check_in_distance, visit.far_from_client) == (111, False)
    with pytest.raises(ValidationError, match="still checked in at Near Co"):
        checkins.check_in(other, by=manager, at=at(5))
    with pytest.raises(ValidationError, match="at least 10 minutes"):
        checkins.check_out(near, by=manager, at=at(9))
    visit = checkins.check_out(near, by=manager, latitude=LAT, longitude=LON, at=at(10))
    assert visit.checked_out_at == at(10)
    with pytest.raises(ValidationError):
        checkins.check_out(near, by=manager, at=at(20))
    # Now the other visit may start; its client has no location, so no distance.
    other = checkins.check_in(other, by=manager, latitude=LAT, longitude=LON, at=at(30))
    assert other.check_in_distance is None and not other.far_from_client


def test_a_check_in_far_from_the_client_is_flagged_not_refused(manager, visits, settings):
    settings.CRM_CHECK_IN_MAX_METRES = 500
    near, _other = visits
    visit = checkins.check_in(near, by=manager, latitude=LAT + Decimal("0.01"), longitude=LON, at=at(0))
    assert visit.far_from_client and visit.check_in_distance == 1112


def test_only_the_owner_on_the_day_checks_in(manager, teammate, visits):
    near, _other = visits
    with pytest.raises(PermissionDenied):
        checkins.check_in(near, by=teammate, at=at(0))
    with pytest.raises(ValidationError, match="on the day of the visit"):
        checkins.check_in(near, by=manager, at=at(0) + timedelta(days=1))
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        checkins.check_in(near, by=manager, latitude=LAT, at=at(0))


def test_the_log_takes_the_check_in_time_and_a_photo_can_be_required(manager, visits, settings):
    near, other = visits
    near = checkins.check_in(near, by=manager, at=at(0))
    log, _ = services.log_visit(owner=manager, client=near.client, submission="s1", day=near.date, method="on_site",
                             work_done="Talked prices", planned_visit=near)  # fmt: skip
    assert log.checked_in_at == at(0)
    settings.CRM_VISIT_PHOTO_REQUIRED = True
    with pytest.raises(ValidationError) as error:
        services.log_visit(owner=manager, client=other.client, submission="s2", day=other.date, method="on_site",
                        work_done="x", planned_visit=other)  # fmt: skip
    assert "photos" in error.value.message_dict


def test_the_day_sheet_checks_in_and_out(client, manager, teammate, visits):
    near, _other = visits
    client.force_login(manager)
    sheet = client.get(reverse("visits:sheet")).content.decode()
    assert 'data-testid="check-in"' in sheet
    url = reverse("visits:visit_check", args=[near.pk])
    client.post(url, {"action": "in", "latitude": "30.251000", "longitude": "120.160000"})
    near.refresh_from_db()
    assert near.checked_in_at is not None and near.check_in_distance == 111
    assert 'data-testid="check-out"' in client.get(reverse("visits:sheet")).content.decode()
    response = client.post(url, {"action": "out"}, follow=True)
    assert "at least 10 minutes" in response.content.decode()
    client.force_login(teammate)
    assert client.post(url, {"action": "out"}).status_code == 404


def test_the_api_checks_in_and_out_and_logs_with_photos(manager, teammate, visits, settings):
    near, _other = visits
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    checked = api.post(f"/api/v1/visits/{near.pk}/check-in/", {"latitude": "30.251", "longitude": "120.16"},
                       format="json")  # fmt: skip
    assert checked.status_code == 200 and checked.json()["check_in_distance"] == 111
    again = api.post(f"/api/v1/visits/{near.pk}/check-in/", {}, format="json")
    assert again.status_code == 400 and "already checked in" in again.json()["error"]["message"]
    early = api.post(f"/api/v1/visits/{near.pk}/check-out/", {}, format="json")
    assert early.status_code == 400
    settings.CRM_VISIT_PHOTO_REQUIRED = True
    body = {"client": near.client_id, "planned_visit": near.pk, "date": f"{near.date:%Y-%m-%d}", "method": "on_site",
            "work_done": "Signed the renewal"}  # fmt: skip
    refused = api.post("/api/v1/visit-logs/", body, format="multipart")
    assert refused.status_code == 400 and "photos" in refused.json()["error"]["fields"]
    not_a_photo = api.post("/api/v1/visit-logs/", {**body, "photos": [SimpleUploadedFile("x.png", b"text")]},
                           format="multipart")  # fmt: skip
    assert not_a_photo.status_code == 400
    saved = api.post("/api/v1/visit-logs/", {**body, "photos": [SimpleUploadedFile("shop.png", PNG)]},
                     format="multipart", HTTP_IDEMPOTENCY_KEY="photo-1")  # fmt: skip
    assert saved.status_code == 201
    log = VisitLog.objects.get()
    assert log.photos.count() == 1 and log.checked_in_at == near.__class__.objects.get(pk=near.pk).checked_in_at
    _token, other_raw = ApiToken.issue(teammate, "phone")
    intruder = APIClient()
    intruder.credentials(HTTP_AUTHORIZATION=f"Bearer {other_raw}")
    assert intruder.post(f"/api/v1/visits/{near.pk}/check-out/", {}, format="json").status_code == 404
