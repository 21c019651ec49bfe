"""Location quality (issue #30 item 5): the browser's accuracy and the position's time are
recorded with each check-in; a vague or old position is flagged, never refused, and the flag
is shown on the sheet, to the manager and to the supervisor."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import checkins, rules, services
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LAT, LON = Decimal("30.250000"), Decimal("120.160000")


@pytest.fixture
def visit(manager, supervisor):
    today = timezone.localdate()
    client = ClientFactory(owner=manager, name="Near Co", latitude=LAT, longitude=LON)
    plan = services.start_plan(owner=manager, month=rules.month_start(today), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return PlannedVisitFactory(owner=manager, client=client, date=today)


def test_accuracy_and_position_time_are_recorded_and_a_good_fix_is_not_flagged(manager, visit, settings):
    settings.CRM_CHECK_IN_MAX_ACCURACY_METRES = 200
    settings.CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES = 5
    now = timezone.now()
    checked = checkins.check_in(visit, by=manager, latitude=LAT, longitude=LON, accuracy=35.4,
                                position_at=now - timedelta(minutes=1))  # fmt: skip
    assert checked.check_in_accuracy == 35
    assert checked.check_in_position_at == now - timedelta(minutes=1)
    assert (checked.check_in_inaccurate, checked.check_in_position_stale) == (False, False)


def test_a_vague_position_is_flagged_not_refused(manager, visit, settings):
    settings.CRM_CHECK_IN_MAX_ACCURACY_METRES = 200
    checked = checkins.check_in(visit, by=manager, latitude=LAT, longitude=LON, accuracy=201)
    assert checked.checked_in_at is not None
    assert checked.check_in_inaccurate and not checked.check_in_position_stale


def test_an_old_position_is_flagged_against_the_time_of_the_check_in(manager, visit, settings):
    settings.CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES = 5
    at = timezone.now() - timedelta(minutes=20)  # checked in offline, sent now
    checked = checkins.check_in(visit, by=manager, latitude=LAT, longitude=LON, at=at,
                                position_at=at - timedelta(minutes=6))  # fmt: skip
    assert checked.check_in_position_stale and not checked.check_in_inaccurate
    # Judged at the check-in's time, not at the sending: a fix taken just before it is fresh.
    assert checkins.location_flags(accuracy=None, position_at=at - timedelta(minutes=4), at=at) == (False, False)


def test_a_position_taken_after_the_check_in_is_refused_on_its_field(manager, visit):
    with pytest.raises(ValidationError) as error:
        checkins.check_in(visit, by=manager, latitude=LAT, longitude=LON,
                          position_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    assert "position_at" in error.value.message_dict


def test_the_sheet_sends_the_quality_and_shows_the_flags_to_the_manager_and_the_supervisor(
    client, manager, supervisor, visit, settings
):
    settings.CRM_CHECK_IN_MAX_ACCURACY_METRES = 200
    client.force_login(manager)
    sheet = client.get(reverse("visits:sheet")).content.decode()
    assert 'name="accuracy"' in sheet and 'name="position_at"' in sheet
    old = timezone.localtime() - timedelta(minutes=30)
    client.post(reverse("visits:visit_check", args=[visit.pk]), {"action": "in", "latitude": "30.25",
                "longitude": "120.16", "accuracy": "850", "position_at": old.isoformat()})  # fmt: skip
    visit.refresh_from_db()
    assert (visit.check_in_accuracy, visit.check_in_inaccurate, visit.check_in_position_stale) == (850, True, True)
    page = client.get(reverse("visits:sheet")).content.decode()
    assert 'data-testid="flag-inaccurate"' in page and "±850 m" in page
    assert 'data-testid="flag-stale"' in page and f"{old:%H:%M}" in page
    client.force_login(supervisor)
    seen = client.get(reverse("visits:sheet"), {"owner": manager.pk}).content.decode()
    assert 'data-testid="flag-inaccurate"' in seen and 'data-testid="flag-stale"' in seen
