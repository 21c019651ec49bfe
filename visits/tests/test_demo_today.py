"""The demo always has visits on the current local day (Asia/Shanghai), whatever weekday
it is, and plans waiting for each supervisor: the first page a new user opens is never
empty. Evening UTC on a Friday is already Saturday in Shanghai."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from tests.clock import TIME_ZONE, TODAY
from visits.models import MonthlyPlan, PlannedVisit

# The Saturday after the pinned day, 04:00 in Shanghai (Friday 20:00 UTC).
SATURDAY = TODAY + timedelta(days=(5 - TODAY.weekday()) % 7 or 7)


@pytest.mark.django_db
def test_demo_has_visits_today_on_a_saturday(settings):
    settings.DEBUG = True
    with time_machine.travel(datetime.combine(SATURDAY, time(4, 0), tzinfo=TIME_ZONE), tick=False):
        assert timezone.localdate() == SATURDAY and SATURDAY.weekday() == 5
        call_command("seed_demo", stdout=None)
        managers = User.objects.filter(role=User.Role.MANAGER, username__startswith="manager")
        assert managers.count() == 6
        for manager in managers:
            today = PlannedVisit.objects.filter(owner=manager, date=SATURDAY, status=PlannedVisit.Status.PLANNED)
            assert today.count() >= 3, manager.username
        visits = PlannedVisit.objects.count()
        call_command("seed_demo", stdout=None)
        assert PlannedVisit.objects.count() == visits  # running it again adds none
    for supervisor in User.objects.filter(role=User.Role.SUPERVISOR, username__startswith="supervisor"):
        waiting = MonthlyPlan.objects.filter(owner__team=supervisor.team, status=MonthlyPlan.Status.SUBMITTED)
        assert waiting.exists(), supervisor.username
