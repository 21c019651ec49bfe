"""The demo's working-day calendar: China's official schedules shipped in workdays/data
(one CSV per year, the format of the admin's import)."""

from pathlib import Path

from .models import CalendarDay
from .services import import_year

DATA = Path(__file__).parent / "data"


def seed_calendar() -> int:
    """Import each shipped year the calendar does not list yet (an admin's edits stay)."""
    days = 0
    for path in sorted(DATA.glob("china-*.csv")):
        year = int(path.stem.rsplit("-", 1)[1])
        if not CalendarDay.objects.filter(date__year=year).exists():
            days += import_year(year=year, file_name=path.name, content=path.read_bytes()).created
    return days
