"""Writes to the working-day calendar: the yearly import (SPEC "Working days").

China's holiday schedule comes out once a year (the State Council's notice, usually in
November for the next year); an admin imports it as one file per year. The file is
checked whole before anything is written: a wrong row means nothing is saved and every
wrong row is reported by its spreadsheet line. Importing a year again replaces that
year: its days not in the file are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from clients.imports import ImportFileError, RowError, cell_text, read_records

from .models import CalendarDay

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 400  # a year has at most 366 days
COLUMNS = ("date", "kind", "name")
DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# How holiday schedules and office calendars in China mark the two kinds of day.
KIND_WORDS = {
    CalendarDay.Kind.HOLIDAY: ("holiday", "休", "假", "放假", "假日", "节假日", "法定节假日"),
    CalendarDay.Kind.WORKING_DAY: (
        "working_day",
        "working day",
        "workday",
        "make-up working day",
        "班",
        "上班",
        "补班",
        "调休上班",
        "工作日",
    ),
}


@dataclass
class CalendarImport:
    year: int
    total: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Entry:
    line: int
    date: date
    kind: str
    name: str


def _kinds() -> dict[str, str]:
    """Every word accepted for a kind: its code, its label in each site language, and the
    usual Chinese marks (休, 班…)."""
    words: dict[str, str] = {}
    for kind, names in KIND_WORDS.items():
        words.update((name.casefold(), kind) for name in names)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.update((str(label).casefold(), kind) for kind, label in CalendarDay.Kind.choices)
    return words


def _parse_date(cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    match = DATE_TEXT.match(cell_text(cell))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def read_year(year: int, file_name: str, content: bytes) -> tuple[list[_Entry], list[RowError]]:
    """The file's days, and its wrong rows. A first row that does not start with a date
    names the columns and is skipped; the columns are date, kind, name in that order."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB; a year's calendar is much smaller."))
    kinds = _kinds()
    entries: list[_Entry] = []
    errors: list[RowError] = []
    seen: dict[date, int] = {}
    first = True
    for line, cells in enumerate(read_records(file_name, content, max_rows=MAX_ROWS), start=1):
        cells = [*cells, None, None, None][:3]
        if not any(cell_text(cell) for cell in cells):
            continue
        day_cell, kind_cell, name_cell = cells
        if first:
            first = False
            if _parse_date(day_cell) is None and cell_text(day_cell).casefold() in {
                "date",
                "日期",
                _("date").casefold(),
            }:
                continue  # the header
        if len(entries) + len(errors) >= MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows; a year has 366 days.") % {"max": MAX_ROWS})
        row_errors = []
        day = _parse_date(day_cell)
        if day is None:
            row_errors.append(RowError(line, "date", cell_text(day_cell), _("Enter a date as YYYY-MM-DD.")))
        elif day.year != year:
            message = _("This date is not in %(year)s, the year being imported.") % {"year": year}
            row_errors.append(RowError(line, "date", cell_text(day_cell), message))
        elif day in seen:
            message = _("This date is already on line %(line)s.") % {"line": seen[day]}
            row_errors.append(RowError(line, "date", cell_text(day_cell), message))
        kind = kinds.get(cell_text(kind_cell).casefold())
        if kind is None:
            message = _("Enter holiday (休) or working_day (班).")
            row_errors.append(RowError(line, "kind", cell_text(kind_cell), message))
        name = cell_text(name_cell)
        if not name:
            row_errors.append(RowError(line, "name", "", _("Name the day, e.g. National Day.")))
        elif "\x00" in name:  # PostgreSQL refuses NUL in text
            row_errors.append(RowError(line, "name", name.replace("\x00", ""), _("Remove the NUL character.")))
        elif len(name) > CalendarDay._meta.get_field("name").max_length:
            row_errors.append(RowError(line, "name", name[:100], _("Use at most 100 characters.")))
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[day] = line
        entries.append(_Entry(line, day, kind, name))
    if not entries and not errors:
        raise ImportFileError(_("The file has no days to import."))
    return entries, errors


@transaction.atomic
def import_year(*, year: int, file_name: str, content: bytes) -> CalendarImport:
    """Make ``year``'s calendar exactly the file's days, or change nothing if a row is wrong.

    Raises ImportFileError when the file as a whole cannot be read."""
    entries, errors = read_year(year, file_name, content)
    report = CalendarImport(year=year, total=len(entries) + len({e.line for e in errors}), errors=errors)
    if errors:
        return report
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)}
    for entry in entries:
        row = existing.pop(entry.date, None)
        if row is None:
            CalendarDay.objects.create(date=entry.date, kind=entry.kind, name=entry.name)
            report.created += 1
        elif (row.kind, row.name) != (entry.kind, entry.name):
            row.kind, row.name = entry.kind, entry.name
            row.save()  # one history record per changed day
            report.updated += 1
    for row in existing.values():
        row.delete()
        report.removed += 1
    report.imported = True
    return report
