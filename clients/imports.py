"""All-or-nothing client imports: read the file, check every row, then import.

The parsing and row handling are django-import-export's (see resources.py);
this module turns an upload into a dataset, runs the resource inside one
transaction and reports errors by spreadsheet line and column.
"""

from __future__ import annotations

import csv
import io
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from crm import spreadsheets

from .duplicates import Candidate, likely_duplicates_of_many
from .models import Client
from .resources import COLUMNS, HEADER_ALIASES, REQUIRED_COLUMNS, ClientResource

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_REPORTED_ERRORS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class RowError:
    line: int  # the spreadsheet line, header being line 1
    column: str
    value: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows that would create a likely duplicate (issue #32): told, not refused.
    warnings: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_lines(self) -> int:
        return len({error.line for error in self.errors})


@dataclass
class Upload:
    dataset: tablib.Dataset
    lines: list[int]  # lines[i] is the spreadsheet line of data row i + 1
    ignored_columns: list[str]


def _header_aliases() -> dict[str, str]:
    """Column names, and the field labels in every site language, mapped to column names."""
    aliases: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in COLUMNS:
                label = Client._meta.get_field(column).verbose_name
                aliases[str(label).strip().casefold()] = column
            aliases[str(_("account manager")).casefold()] = "owner"
    aliases.update(HEADER_ALIASES)
    for column in COLUMNS:
        aliases[column] = column
        aliases[column.replace("_", " ")] = column
    return aliases


def cell_text(value) -> str:
    """The text of a cell of either reader (CSV text, or an .xlsx number, date or empty
    cell): every import reads its cells through this."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode_text(content: bytes) -> str:
    """A text file's content: UTF-8 (with or without BOM) or else GB18030, as Chinese office
    software saves it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("This file is neither UTF-8 nor GB18030 text."))  # pragma: no cover


# Limits of the reader: no spreadsheet's XML packs smaller than a hundredth of itself
# (Excel and openpyxl files: 8 to 25 times), a zip bomb does; a row is rarely more than 2 KB
# of XML. Cells beyond MAX_COLUMNS are not read.
MAX_UNPACK_RATIO = 100
UNPACKED_ALLOWANCE = 10 * 1024 * 1024
UNPACKED_PER_ROW = 2048
MAX_COLUMNS = 256
# Blank rows cost little but are not free: at most this many per row the caller takes.
BLANK_ROWS_PER_ROW = 10


def _check_archive(content: bytes, max_rows: int | None) -> None:
    """Refuse an .xlsx whose zip unpacks far beyond what a spreadsheet of ``max_rows`` rows
    needs, before any of it is unpacked (the zip's directory gives the sizes, and no more
    than those is ever read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(_("This Excel file cannot be read (%(error)s).") % {"error": error}) from error
    most = UNPACKED_ALLOWANCE + (max_rows * UNPACKED_PER_ROW if max_rows else 0)
    if unpacked > UNPACKED_ALLOWANCE and (unpacked > MAX_UNPACK_RATIO * len(content) or (max_rows and unpacked > most)):
        raise ImportFileError(
            _("This Excel file unpacks to %(size)s MB, far more than a spreadsheet of its size holds; "
              "save it again from Excel, or as CSV.")
            % {"size": f"{unpacked / 1024 / 1024:,.0f}"}
        )  # fmt: skip


def _xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The sheet's declared size is only a claim (a sheet may claim the whole grid):
        # rows are as wide as the header row, and never wider than MAX_COLUMNS.
        sheet.reset_dimensions()
        # read_only: the sheet's XML is parsed while the rows are read, so a broken
        # sheet fails in the loop, not when the book opens, and reading can stop early.
        header_line = 0
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            header_line += 1
            filled = [index for index, value in enumerate(row) if value is not None]
            if filled:
                width = filled[-1] + 1
                yield list(row[:width])
                break
            yield []
        else:
            return
        for row in sheet.iter_rows(min_row=header_line + 1, max_col=width, values_only=True):
            yield list(row)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("This Excel file cannot be read (%(error)s).") % {"error": error}) from error


def _csv_rows(text: str) -> Iterator[list]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            yield [spreadsheets.unquote(value) for value in row]
    except csv.Error as error:
        raise ImportFileError(_("This CSV file cannot be read (%(error)s).") % {"error": error}) from error


def _at_most(records: Iterator[list], max_rows: int) -> Iterator[list]:
    """The records, stopping at the first row past ``max_rows`` (the header not counted)."""
    filled = blank = 0
    for row in records:
        if any(value not in (None, "") for value in row):
            filled += 1
        else:
            blank += 1
        if filled > max_rows + 1 or blank > BLANK_ROWS_PER_ROW * (max_rows + 1):
            raise ImportFileError(
                _("The file has more than %(max)s rows; import at most %(max)s at a time.") % {"max": f"{max_rows:,}"}
            )
        yield row


def read_records(name: str, content: bytes, *, max_rows: int | None = None) -> Iterator[list]:
    """The rows of an uploaded CSV (``decode_text``; comma, semicolon or tab) or .xlsx file
    (its first sheet), lazily; every import of the project reads files here.

    ``max_rows``: the most rows (besides the header) the caller takes; reading stops with an
    ``ImportFileError`` at the first one past it, so a file of a million rows costs no more
    than one of ``max_rows``. An .xlsx whose zip unpacks far beyond its size is refused
    before it is read. A CSV cell that an export of ours quoted (``crm.spreadsheets``) reads
    back as it was."""
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        _check_archive(content, max_rows)
        records = _xlsx_rows(content)
    elif name.lower().endswith(".xls"):
        raise ImportFileError(_("Old .xls files are not supported; save the sheet as .xlsx or CSV."))
    else:
        records = _csv_rows(decode_text(content))
    yield from (_at_most(records, max_rows) if max_rows is not None else records)


def load_upload(uploaded_file) -> Upload:
    """Read a CSV (UTF-8, with or without BOM, or GB18030) or .xlsx upload."""
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB; split it into smaller files."))
    rows = list(read_records(uploaded_file.name, uploaded_file.read(), max_rows=MAX_ROWS))
    header_index = next((i for i, row in enumerate(rows) if any(cell_text(c) for c in row)), None)
    if header_index is None:
        raise ImportFileError(_("The file is empty."))
    aliases = _header_aliases()
    headers, ignored = [], []
    for cell in rows[header_index]:
        column = aliases.get(cell_text(cell).casefold())
        if column is None or column in headers:
            ignored.append(cell_text(cell))
            column = f"__ignored_{len(ignored)}"
        headers.append(column)
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; these are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    dataset = tablib.Dataset(headers=headers)
    lines = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        values = [cell_text(value) for value in row][: len(headers)]
        if not any(values):
            continue
        dataset.append(values + [""] * (len(headers) - len(values)))
        lines.append(number)
    if not lines:
        raise ImportFileError(_("The file has a header row but no clients."))
    return Upload(dataset=dataset, lines=lines, ignored_columns=[c for c in ignored if c])


def _report(result, upload: Upload) -> ImportReport:
    totals = result.totals
    report = ImportReport(
        total=len(upload.lines),
        new=totals.get("new", 0),
        updated=totals.get("update", 0),
        unchanged=totals.get("skip", 0),
    )
    for invalid in result.invalid_rows:
        line = upload.lines[invalid.number - 1]
        row = dict(zip(upload.dataset.headers, upload.dataset[invalid.number - 1], strict=False))
        for column, messages in invalid.error_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            for message in messages:
                report.errors.append(RowError(line, column, row.get(column, ""), str(message)))
    for number, errors in result.row_errors():
        for error in errors:
            report.errors.append(
                RowError(upload.lines[number - 1], "", "", _("Unexpected error: %(error)s") % {"error": error.error})
            )
    for error in result.base_errors:
        report.errors.append(RowError(0, "", "", _("Unexpected error: %(error)s") % {"error": error.error}))
    report.errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    del report.errors[MAX_REPORTED_ERRORS:]
    return report


def check_upload(upload: Upload, user: User) -> ImportReport:
    """Validate every row as a real import would, then roll everything back; and tell which
    new clients look like ones that exist already (warnings, not errors)."""
    result = ClientResource(user).import_data(upload.dataset, dry_run=True, use_transactions=True)
    report = _report(result, upload)
    report.warnings = duplicate_warnings(upload, user)
    return report


def duplicate_warnings(upload: Upload, user: User) -> list[RowError]:
    """The likely duplicates of the rows that create a client (a row whose code exists
    updates that client), by the new-client form's rule (``clients.duplicates``) and its scope
    rule: a client the importer may not see is only said to exist. A few queries for the
    whole file, not a query per row."""
    rows = [dict(zip(upload.dataset.headers, values, strict=False)) for values in upload.dataset]
    codes = {cell_text(row.get("code")) for row in rows} - {""}
    existing = set()
    for start in range(0, len(codes), 500):
        batch = sorted(codes)[start : start + 500]
        existing |= set(Client.objects.filter(code__in=batch).values_list("code", flat=True))
    new = [
        (number, row)
        for number, row in enumerate(rows)
        if cell_text(row.get("code")) not in existing and cell_text(row.get("name"))
    ]
    found = likely_duplicates_of_many(
        user, [Candidate(name=cell_text(row.get("name")), phone=cell_text(row.get("phone"))) for _n, row in new]
    )
    warnings = []
    for (number, row), duplicates in zip(new, found, strict=True):
        for duplicate in duplicates:
            column = "name" if duplicate.hidden or duplicate.similar_name else "phone"
            warnings.append(RowError(upload.lines[number], column, cell_text(row.get(column)), duplicate.message))
    return warnings[:MAX_REPORTED_ERRORS]


def run_import(upload: Upload, user: User) -> ImportReport:
    """Import every row, or none of them if any row is wrong."""
    with transaction.atomic():
        result = ClientResource(user).import_data(
            upload.dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
        report = _report(result, upload)
        if report.errors:
            transaction.set_rollback(True)
        else:
            report.imported = True
    return report


def error_report_csv(errors: list[RowError]) -> str:
    """The errors as CSV; the values repeat what was uploaded, so they go through the
    spreadsheet rule like every export."""
    header = [_("Line"), _("Column"), _("Value"), _("Error")]
    return spreadsheets.csv_text([header, *([e.line or "", e.column, e.value, e.message] for e in errors)])


def template_csv() -> str:
    return spreadsheets.csv_text([COLUMNS])


# A checked file waits in the cache (shared by all web processes) until the
# user confirms it; so does the last error report, for its download link.
PENDING_SECONDS = 60 * 60


def _key(user: User, kind: str, token: str, namespace: str) -> str:
    return f"{namespace}:{user.pk}:{kind}:{token}"


def keep(user: User, kind: str, payload, *, namespace: str = "clients:import") -> str:
    """Keep a checked file (or its error report) for its user until it is confirmed; the
    token is what the page sends back. ``namespace``: whose import (clients, figures…)."""
    token = secrets.token_urlsafe(16)
    cache.set(_key(user, kind, token, namespace), payload, PENDING_SECONDS)
    return token


def recall(user: User, kind: str, token: str, *, namespace: str = "clients:import"):
    return cache.get(_key(user, kind, token, namespace)) if token else None


def forget(user: User, kind: str, token: str, *, namespace: str = "clients:import") -> None:
    cache.delete(_key(user, kind, token, namespace))


def upload_payload(upload: Upload) -> dict:
    return {"headers": list(upload.dataset.headers), "rows": [list(r) for r in upload.dataset], "lines": upload.lines}


def upload_from_payload(payload: dict) -> Upload:
    dataset = tablib.Dataset(*[tuple(r) for r in payload["rows"]], headers=payload["headers"])
    return Upload(dataset=dataset, lines=payload["lines"], ignored_columns=[])
