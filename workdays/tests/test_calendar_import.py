"""The yearly import: a whole year or nothing, wrong rows reported by line, and a second
import of the year replacing the first."""

from datetime import date

import pytest

from clients.imports import ImportFileError
from workdays import selectors, services
from workdays.models import CalendarDay

from .factories import CalendarDayFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "date,kind,name\n"
    "2026-10-01,holiday,国庆节\n"
    "2026-10-02,休,国庆节\n"
    "2026/10/10,班,国庆节调休上班\n"
    "\n"
    "2026-09-20,working_day,国庆节调休上班\n"
)


def test_a_good_file_in_gb18030_imports_the_year():
    report = services.import_year(year=2026, file_name="2026.csv", content=GOOD.encode("gb18030"))
    assert report.imported and (report.created, report.updated, report.removed) == (4, 0, 0)
    assert dict(CalendarDay.objects.values_list("date", "kind")) == {
        date(2026, 10, 1): "holiday",
        date(2026, 10, 2): "holiday",
        date(2026, 10, 10): "working_day",
        date(2026, 9, 20): "working_day",
    }
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).name == "国庆节调休上班"
    assert selectors.is_working_day(date(2026, 10, 10)) and not selectors.is_working_day(date(2026, 10, 2))


def test_wrong_rows_are_reported_and_nothing_is_saved():
    CalendarDayFactory(date=date(2026, 5, 1), name="劳动节")
    content = (
        "2026-10-01,holiday,国庆节\n"  # no header: fine
        "2026-10-32,holiday,国庆节\n"
        "2027-01-01,holiday,元旦\n"
        "2026-10-01,holiday,国庆节\n"
        "2026-10-03,day off,国庆节\n"
        "2026-10-04,holiday,\n"
    ).encode()
    report = services.import_year(year=2026, file_name="2026.csv", content=content)
    assert not report.imported
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "date"),
        (3, "date"),
        (4, "date"),
        (5, "kind"),
        (6, "name"),
    ]
    assert "2026" in report.errors[1].message and "line 1" in report.errors[2].message
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2026, 5, 1)]  # untouched


def test_importing_a_year_again_replaces_that_year_only():
    CalendarDayFactory(date=date(2025, 10, 1), name="国庆节")
    services.import_year(year=2026, file_name="2026.csv", content=GOOD.encode())
    again = "date,kind,name\n2026-10-01,holiday,National Day\n2026-10-10,working_day,国庆节调休上班\n"
    report = services.import_year(year=2026, file_name="2026.csv", content=again.encode("utf-8-sig"))
    assert (report.created, report.updated, report.removed) == (0, 1, 2)
    assert list(CalendarDay.objects.values_list("date", "name")) == [
        (date(2025, 10, 1), "国庆节"),
        (date(2026, 10, 1), "National Day"),
        (date(2026, 10, 10), "国庆节调休上班"),
    ]
    assert selectors.is_working_day(date(2026, 10, 2))  # removed: a Friday again


def test_an_unreadable_or_empty_file_is_refused():
    with pytest.raises(ImportFileError):
        services.import_year(year=2026, file_name="2026.csv", content=b"date,kind,name\n")
    with pytest.raises(ImportFileError):
        services.import_year(year=2026, file_name="2026.xlsx", content=b"PK not a workbook")
    with pytest.raises(ImportFileError):
        services.import_year(year=2026, file_name="big.csv", content=b"x" * (services.MAX_FILE_BYTES + 1))


def test_the_shipped_2026_schedule_imports():
    from workdays.demo import seed_calendar

    assert seed_calendar() == 39
    assert seed_calendar() == 0  # a year already there is left as it is
    calendar = selectors.work_calendar()
    assert calendar.working_days(date(2026, 2, 14), date(2026, 2, 28)) == [
        date(2026, 2, 14),  # Saturday, worked before the Spring Festival
        date(2026, 2, 24),
        date(2026, 2, 25),
        date(2026, 2, 26),
        date(2026, 2, 27),
        date(2026, 2, 28),  # Saturday, worked after it
    ]
