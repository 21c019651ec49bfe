"""The scorecard's visit coverage counts the calendar's working days: a week whose days
are all holidays asks for no visit (SPEC "Working days")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from performance import scorecard
from workdays.tests.factories import national_day_2026

pytestmark = pytest.mark.django_db


def test_visits_due_in_national_day_week():
    national_day_2026()
    period = scorecard.Period.of(date(2026, 10, 1), now=datetime(2026, 10, 9, 12, tzinfo=ZoneInfo("Asia/Shanghai")))
    # Thursday 1 to Wednesday 7 October are off: the first week with working days (the 8th
    # to the make-up Saturday the 10th) is the first weekly visit due.
    assert scorecard.visits_due_by_frequency(period) == {"weekly": 1, "twice_monthly": 1, "monthly": 1}
