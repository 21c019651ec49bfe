"""The moment every test runs at (conftest.py pins the clock to it), for tests that need
"today" before the clock is pinned, at import time.

A working Wednesday in mid-month, so that an answer that depends on the date is the same
whatever day the suite runs (the 1st of a month, a year's end, a weekend). CRM_TEST_NOW
moves it, to run the suite at a boundary on purpose:

    CRM_TEST_NOW="2026-12-31 23:50 +0800" make test
"""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE's default
TEST_NOW: datetime = datetime.strptime(os.environ.get("CRM_TEST_NOW", "2026-12-09 10:30 +0800"), "%Y-%m-%d %H:%M %z")
TODAY: date = TEST_NOW.astimezone(TIME_ZONE).date()
