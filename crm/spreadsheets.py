"""Every spreadsheet the CRM writes (CSV or Excel) goes through here, so that no text a
client, a contact or a user typed can run as a formula when the file is opened.

The rule (OWASP "CSV injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is written as text — in CSV with a leading apostrophe, in
Excel as a string cell (never a formula) marked "quote prefix", so that editing it in
Excel does not turn it into one either. Numbers, dates and text that is only a number
("-5", "+3.5") are written as they are. ``unquote`` undoes the apostrophe when such a
file is imported back, so an export still imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula (or a DDE command)."""
    return text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text)


def csv_cell(value):
    """A value as a CSV cell: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if not isinstance(value, (int, float, Decimal, date, time)):
        value = str(value)
        if looks_like_formula(value):
            return "'" + value
    return value


def unquote(text: str) -> str:
    """The text of a cell read from a file: the apostrophe ``csv_cell`` added is removed."""
    if text[:1] == "'" and looks_like_formula(text[1:]):
        return text[1:]
    return text


def csv_text(rows: Iterable[Sequence]) -> str:
    """Rows (the first one the header) as CSV text, with the BOM Excel needs to read UTF-8
    (Chinese) text."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would store text that starts with "=" as a formula
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def xlsx_bytes(rows: Iterable[Sequence], *, title: str = "Sheet1") -> bytes:
    """Rows (the first one the header) as an Excel workbook of one sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet1")
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset_rows(dataset) -> list[Sequence]:
    """A tablib dataset's header and rows."""
    return [list(dataset.headers or []), *dataset]
