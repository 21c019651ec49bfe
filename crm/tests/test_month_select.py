"""The month lists (crm.widgets.MonthSelect): months named in the reader's language, around
today, and the chosen month offered and selected even far outside them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import translation

from crm.widgets import MONTHS_AHEAD, MONTHS_BACK, MonthSelect, month_choices

TODAY = datetime(2026, 12, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(TODAY, tick=False)
def test_months_around_today_newest_first_in_the_readers_language():
    with translation.override("zh-hans"):
        choices = month_choices()
    assert len(choices) == MONTHS_BACK + MONTHS_AHEAD + 1
    assert choices[0] == ("2027-12", "2027年12月") and choices[-1] == ("2024-12", "2024年12月")
    assert ("2026-12", "2026年12月") in choices
    with translation.override("en"):
        assert ("2026-12", "December 2026") in month_choices()


@time_machine.travel(TODAY, tick=False)
def test_the_chosen_month_is_offered_and_selected_wherever_it_is():
    html = MonthSelect().render("month", date(2019, 3, 1))
    assert '<option value="2019-03" selected>' in html
    assert '<option value="2030-01" selected>' in MonthSelect().render("month", "2030-01")


@time_machine.travel(TODAY, tick=False)
def test_a_blank_choice_and_a_malformed_month_select_nothing():
    html = MonthSelect(blank="Any month").render("received", "2026-13")
    assert html.count(" selected") == 0 and '<option value="">Any month</option>' in html
