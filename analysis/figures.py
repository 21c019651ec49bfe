"""Business figures in: one import service for the upload, the API push and the file drop.

An import is all or nothing. Every row is checked first (its cells here, its client and
product codes against the database); if any row is wrong nothing is written and the
errors name the line and the column. Otherwise, in one transaction, every figure of each
(client, month) pair in the import is deleted and the import's rows are inserted: a second
import of a month for a client *replaces* the first (SPEC "Analysis": re-importing a
month for a client replaces that client's rows of that month), so weekly or daily imports
of the running month carry the month-to-date totals of the clients they name.

On PostgreSQL the rows are streamed with ``COPY`` into a temporary staging table and
checked, deleted and inserted by set-based SQL (a million rows in seconds). Other
databases (SQLite in development) resolve the codes in Python and insert in batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clients.imports import ImportFileError, RowError, cell_text, read_records
from clients.models import Client
from crm import spreadsheets
from rollups import services as rollups

from .models import BusinessFigure, FigureImport, Product

PUSH_PERMISSION = "analysis.push_figures"

# Column order of templates, samples and the API; the English names are the API's keys.
COLUMNS = ["client_code", "product_code", "month", "quantity", "amount", "orders"]
# Headers accepted in files besides the column names (SPEC: English and Chinese).
HEADER_ALIASES = {
    "client code": "client_code", "client": "client_code", "客户编码": "client_code", "客户编号": "client_code",
    "客户代码": "client_code", "product code": "product_code", "product": "product_code",
    "商品编码": "product_code", "商品代码": "product_code", "商品编号": "product_code", "规格编码": "product_code",
    "卷烟编码": "product_code", "月份": "month", "年月": "month", "统计月份": "month", "数量": "quantity",
    "销量": "quantity", "金额": "amount", "销售额": "amount", "销售金额": "amount", "orders": "orders",
    "订单数": "orders", "订单次数": "orders", "订货次数": "orders", "number of orders": "orders",
}  # fmt: skip
CHINESE_HEADERS = {"client_code": "客户编码", "product_code": "商品编码", "month": "月份", "quantity": "数量",
                   "amount": "金额", "orders": "订单数"}  # fmt: skip

MAX_REPORTED_ERRORS = 1000
MAX_CODE = {"client_code": 30, "product_code": 40}
MAX_QUANTITY = Decimal("1e12")  # numeric(14, 2)
MAX_AMOUNT = Decimal("1e14")  # numeric(16, 2)
MAX_ORDERS = 2**31 - 1
CENT = Decimal("0.01")
INSERT_BATCH = 2000
# One figure import at a time: two imports of the same client and month would otherwise
# both delete, then both insert.
ADVISORY_LOCK = 2_700_027


@dataclass
class FigureReport:
    total: int = 0  # rows read
    clients: int = 0
    months: list[str] = field(default_factory=list)
    replaced: int = 0  # rows already stored for those clients and months (deleted by the import)
    errors: list[RowError] = field(default_factory=list)
    more_errors: bool = False  # more errors than the report keeps
    imported: bool = False
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_lines(self) -> int:
        return len({error.line for error in self.errors})


class Figure(NamedTuple):  # a tuple: a million of them are made in a big import
    line: int
    client_code: str
    product_code: str
    month: date
    quantity: Decimal
    amount: Decimal
    orders: int


# --- who may import -----------------------------------------------------------------------------


def can_import_figures(user: User | None) -> bool:
    """Admins and supervisors upload; a technical user with the push permission pushes."""
    if user is None:
        return True  # the command line (a file drop): the operator's own machine
    return user.is_active and (user.is_crm_admin or user.is_supervisor or user.has_perm(PUSH_PERMISSION))


def importable_clients(user: User | None) -> QuerySet[Client]:
    """The clients whose figures this user may import: a supervisor's teams' clients; every
    client for admins, the push permission (the ordering system) and the command line."""
    if user is None or user.is_crm_admin or user.has_perm(PUSH_PERMISSION):
        return Client.objects.all()
    return Client.objects.visible_to(user)


# --- one row's cells ------------------------------------------------------------------------------

MONTH_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2}(?:[ T].*)?)?"),  # 2026-11, 2026/11, 2026-11-01
    re.compile(r"(\d{4})(\d{2})"),  # 202611
    re.compile(r"(\d{4})年(\d{1,2})月(?:\d{1,2}日)?"),  # 2026年11月
]


def parse_month(text: str, *, latest: date) -> date:
    for pattern in MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if year >= 2000 and 1 <= month <= 12:
                value = date(year, month, 1)
                if value > latest:
                    raise ValueError(_("This month has not started yet."))
                return value
            break
    raise ValueError(_("Enter the month as YYYY-MM, e.g. 2026-11."))


def parse_decimal(text: str, *, most: Decimal) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value < 0 or value >= most:
        raise ValueError(_("Enter a number of 0 or more, e.g. 12 or 1234.50."))
    if value != value.quantize(CENT):
        raise ValueError(_("Use at most two decimal places."))
    return value.quantize(CENT)


def parse_orders(text: str) -> int:
    cleaned = text.replace(",", "").replace("，", "")
    if not cleaned.isdecimal() or int(cleaned) > MAX_ORDERS:
        raise ValueError(_("Enter a whole number of 0 or more."))
    return int(cleaned)


def parse_row(line: int, values: Mapping, *, latest: date) -> tuple[Figure | None, list[RowError]]:
    """A row's cells, checked: the figure, or the errors of each wrong cell."""
    if not isinstance(values, Mapping):
        return None, [RowError(line, "", "", _("Each row must be an object with the columns as keys."))]
    cells = {column: cell_text(values.get(column)) for column in COLUMNS}
    errors: list[RowError] = []
    parsed: dict[str, object] = {}
    for column in COLUMNS:
        text = cells[column]
        try:
            if not text:
                raise ValueError(_("This column is required."))
            if column in MAX_CODE:
                if len(text) > MAX_CODE[column]:
                    raise ValueError(_("At most %(count)s characters.") % {"count": MAX_CODE[column]})
                if not text.isprintable():
                    raise ValueError(_("A code may not contain control characters."))
                parsed[column] = text
            elif column == "month":
                parsed[column] = parse_month(text, latest=latest)
            elif column == "orders":
                parsed[column] = parse_orders(text)
            else:
                parsed[column] = parse_decimal(text, most=MAX_QUANTITY if column == "quantity" else MAX_AMOUNT)
        except ValueError as error:
            errors.append(RowError(line, column, text[:100], str(error)))
    if errors:
        return None, errors
    return Figure(line=line, **parsed), []


class RowParser:
    """``parse_row`` with a fast path for the common row (plain text cells, a month seen
    before, plain numbers): a big import spends most of its Python time here. Anything
    unusual goes the careful way, which also names every wrong cell."""

    def __init__(self, *, latest: date):
        self.latest = latest
        self.months: dict[str, date] = {}

    def __call__(self, line: int, values) -> tuple[Figure | None, list[RowError]]:
        if type(values) is dict:
            try:
                return self.fast(line, values), []
            except (KeyError, ValueError, ArithmeticError, AttributeError, TypeError):
                pass
        figure, errors = parse_row(line, values, latest=self.latest)
        if figure is not None:
            self.months[cell_text(values.get("month"))] = figure.month
        return figure, errors

    def fast(self, line: int, values: dict) -> Figure:
        client, product = values["client_code"].strip(), values["product_code"].strip()
        if not client or not product or len(client) > 30 or len(product) > 40:
            raise ValueError
        if not client.isprintable() or not product.isprintable():
            raise ValueError
        quantity, amount = values["quantity"], values["amount"]
        if type(quantity) not in (str, int) or type(amount) not in (str, int):
            raise TypeError  # floats (inexact) and booleans go the careful way
        quantity, amount = Decimal(quantity), Decimal(amount)
        if not (0 <= quantity < MAX_QUANTITY and 0 <= amount < MAX_AMOUNT):
            raise ValueError
        if quantity.as_tuple().exponent < -2 or amount.as_tuple().exponent < -2:
            raise ValueError
        orders = values["orders"]
        if type(orders) is not int:
            if not orders.isdecimal() or len(orders) > 9:
                raise ValueError
            orders = int(orders)
        elif not 0 <= orders <= MAX_ORDERS:
            raise ValueError
        return Figure(line, client, product, self.months[values["month"].strip()], quantity, amount, orders)


# --- files ------------------------------------------------------------------------------------------


def _header_map(cells: list) -> tuple[list[str | None], list[str]]:
    aliases = {**HEADER_ALIASES, **{column: column for column in COLUMNS}}
    aliases.update({column.replace("_", " "): column for column in COLUMNS})
    headers: list[str | None] = []
    ignored: list[str] = []
    for cell in cells:
        text = cell_text(cell)
        column = aliases.get(text.strip("* ").casefold())
        if column is None or column in headers:
            if text:
                ignored.append(text)
            column = None
        headers.append(column)
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        names = ", ".join(f"{column} ({CHINESE_HEADERS[column]})" for column in missing)
        raise ImportFileError(
            _("The first row must name the columns; these are missing: %(columns)s.") % {"columns": names}
        )
    return headers, ignored


@dataclass
class FigureFile:
    """A file's rows, read lazily: ``rows`` yields (line, {column: value}) pairs, the header
    being line 1 (the line numbers a spreadsheet shows)."""

    rows: Iterator[tuple[int, dict]]
    ignored_columns: list[str]


def read_file(name: str, content: bytes, *, max_rows: int | None = None) -> FigureFile:
    """A CSV (UTF-8, with or without BOM, or GB18030) or .xlsx file of figures; reading
    stops with an ImportFileError past ``max_rows`` rows (the upload's limit)."""
    records = enumerate(read_records(name, content, max_rows=max_rows), start=1)
    for _line, cells in records:
        if any(cell_text(cell) for cell in cells):
            headers, ignored = _header_map(cells)
            break
    else:
        raise ImportFileError(_("The file is empty."))

    names = tuple(column for column in headers if column)
    pick = itemgetter(*(index for index, column in enumerate(headers) if column))
    padding = [None] * len(headers)

    def rows() -> Iterator[tuple[int, dict]]:
        for number, cells in records:
            try:
                picked = pick(cells)
            except IndexError:  # a short row: the missing cells are empty
                picked = pick([*cells, *padding])
            if any(picked) or any(cell_text(cell) for cell in cells):
                yield number, dict(zip(names, picked, strict=True))

    return FigureFile(rows=rows(), ignored_columns=ignored)


def template_csv() -> str:
    return spreadsheets.csv_text([COLUMNS])


# --- the import -----------------------------------------------------------------------------------


def import_figures(
    *,
    rows: Iterable[tuple[int, Mapping]],
    by: User | None,
    source: str,
    file_name: str = "",
    dry_run: bool = False,
) -> FigureReport:
    """Check every row, then (unless ``dry_run`` or a row is wrong) replace the figures of
    each client and month in ``rows`` with them, recording a ``FigureImport``.

    ``rows`` are (line, {column: value}) pairs; ``by`` is the person or technical user
    (``None`` for the command line). Raises PermissionDenied for people who may not import.
    """
    if not can_import_figures(by):
        raise PermissionDenied(_("Only administrators and supervisors import business figures."))
    importer = _PostgresImport if connection.vendor == "postgresql" else _BatchImport
    with transaction.atomic():
        run = importer(by=by, latest=timezone.localdate().replace(day=1), dry_run=dry_run)
        report = run.check(rows)
        if report.total == 0 and report.ok:
            report.errors.append(RowError(0, "", "", _("There are no rows to import.")))
        if not report.ok or dry_run:
            transaction.set_rollback(True)
            return report
        batch = FigureImport.objects.create(
            source=source,
            by=by,
            file_name=file_name[:200],
            rows=report.total,
            clients=report.clients,
            months=", ".join(report.months)[:200],
        )
        run.replace(batch)
        # The rollups of the business board, in the same transaction (rollups.services).
        rollups.refresh_figure_months(run.owner_months())
        report.imported, report.import_id = True, batch.pk
    return report


class _Import:
    def __init__(self, *, by: User | None, latest: date, dry_run: bool):
        self.by = by
        self.latest = latest
        self.dry_run = dry_run
        self.report = FigureReport()
        self.client_codes: set[str] = set()
        self.months: set[date] = set()

    def error(self, error: RowError) -> None:
        if len(self.report.errors) >= MAX_REPORTED_ERRORS:
            self.report.more_errors = True
        else:
            self.report.errors.append(error)

    def parsed(self, rows: Iterable[tuple[int, Mapping]]) -> Iterator[Figure]:
        parse = RowParser(latest=self.latest)
        for line, values in rows:
            self.report.total += 1
            figure, errors = parse(line, values)
            for error in errors:
                self.error(error)
            if figure is not None:
                self.client_codes.add(figure.client_code)
                self.months.add(figure.month)
                yield figure

    def finish(self) -> FigureReport:
        self.report.clients = len(self.client_codes)
        self.report.months = [f"{month:%Y-%m}" for month in sorted(self.months)]
        self.report.errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
        return self.report

    def unknown_client(self, line: int, code: str) -> RowError:
        return RowError(
            line, "client_code", code, _("There is no client with code “%(value)s” among the clients you may import "
                                         "figures for.") % {"value": code}
        )  # fmt: skip

    def unknown_product(self, line: int, code: str) -> RowError:
        return RowError(line, "product_code", code, _("There is no product with code “%(value)s”.") % {"value": code})

    def duplicate(self, line: int, first: int, code: str) -> RowError:
        return RowError(
            line, "product_code", code,
            _("This client, product and month are already on line %(line)s.") % {"line": first},
        )  # fmt: skip


class _BatchImport(_Import):
    """Any database: codes resolved in Python, rows inserted with bulk_create in batches."""

    def check(self, rows) -> FigureReport:
        self.figures: list[Figure] = []
        first_line: dict[tuple[str, str, date], int] = {}
        for figure in self.parsed(rows):
            key = (figure.client_code, figure.product_code, figure.month)
            if key in first_line:
                self.error(self.duplicate(figure.line, first_line[key], figure.product_code))
            else:
                first_line[key] = figure.line
                self.figures.append(figure)
        self.clients = _ids_by_code(importable_clients(self.by), self.client_codes)
        self.products = _ids_by_code(Product.objects.all(), {f.product_code for f in self.figures})
        for figure in self.figures:
            if figure.client_code not in self.clients:
                self.error(self.unknown_client(figure.line, figure.client_code))
            if figure.product_code not in self.products:
                self.error(self.unknown_product(figure.line, figure.product_code))
        self.report.replaced = sum(queryset.count() for queryset in self.stored())
        return self.finish()

    def stored(self) -> Iterator[QuerySet]:
        """The figures stored for the import's (client, month) pairs, in chunks of clients."""
        pairs = {(self.clients[f.client_code], f.month) for f in self.figures if f.client_code in self.clients}
        for month in self.months:
            ids = sorted(client_id for client_id, m in pairs if m == month)
            for start in range(0, len(ids), 500):
                yield BusinessFigure.objects.filter(month=month, client_id__in=ids[start : start + 500])

    def owner_months(self) -> set[tuple[int, date]]:
        """The (client's owner, month) pairs the import replaced figures of."""
        ids = {self.clients[f.client_code] for f in self.figures}
        owners = dict(Client.objects.filter(pk__in=ids).values_list("pk", "owner_id")) if ids else {}
        return {(owners[self.clients[f.client_code]], f.month) for f in self.figures}

    def replace(self, batch: FigureImport) -> None:
        for queryset in self.stored():
            queryset.delete()  # one DELETE each: nothing refers to a figure, no signals
        BusinessFigure.objects.bulk_create(
            (
                BusinessFigure(
                    client_id=self.clients[f.client_code],
                    product_id=self.products[f.product_code],
                    month=f.month,
                    quantity=f.quantity,
                    amount=f.amount,
                    orders=f.orders,
                    batch=batch,
                )
                for f in self.figures
            ),
            batch_size=INSERT_BATCH,
        )


def _ids_by_code(queryset: QuerySet, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), 500):
        found.update(queryset.filter(code__in=ordered[start : start + 500]).values_list("code", "id"))
    return found


STAGING = "analysis_figure_staging"


class _PostgresImport(_Import):
    """PostgreSQL: COPY into a temporary table, then set-based checks, DELETE and INSERT."""

    def check(self, rows) -> FigureReport:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            # Dropped at the commit, or here when an outer transaction (a test, a second
            # import in one request) is still open.
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (line integer NOT NULL, client_code varchar(30) NOT NULL, "
                "product_code varchar(40) NOT NULL, month date NOT NULL, quantity numeric(14, 2) NOT NULL, "
                "amount numeric(16, 2) NOT NULL, orders integer NOT NULL) ON COMMIT DROP"
            )
            columns = "line, client_code, product_code, month, quantity, amount, orders"
            with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                for f in self.parsed(rows):
                    copy.write_row((f.line, f.client_code, f.product_code, f.month, f.quantity, f.amount, f.orders))
            cursor.execute(f"ANALYZE {STAGING}")
            clients_sql, clients_params = self.clients_sql()
            limit = MAX_REPORTED_ERRORS + 1
            cursor.execute(
                f"SELECT s.line, s.client_code FROM {STAGING} s LEFT JOIN ({clients_sql}) c "  # noqa: S608 (our SQL; values are parameters)
                f"ON c.code = s.client_code WHERE c.id IS NULL ORDER BY s.line LIMIT {limit}",
                clients_params,
            )
            for line, code in cursor.fetchall():
                self.error(self.unknown_client(line, code))
            cursor.execute(
                f"SELECT s.line, s.product_code FROM {STAGING} s LEFT JOIN {Product._meta.db_table} p "  # noqa: S608 (our SQL; values are parameters)
                f"ON p.code = s.product_code WHERE p.id IS NULL ORDER BY s.line LIMIT {limit}"
            )
            for line, code in cursor.fetchall():
                self.error(self.unknown_product(line, code))
            cursor.execute(
                "SELECT line, first_line, product_code FROM (SELECT line, product_code, min(line) OVER "  # noqa: S608 (our SQL; values are parameters)
                f"(PARTITION BY client_code, product_code, month) AS first_line FROM {STAGING}) d "
                f"WHERE line <> first_line ORDER BY line LIMIT {limit}"
            )
            for line, first, code in cursor.fetchall():
                self.error(self.duplicate(line, first, code))
            if self.dry_run and not self.report.errors and not self.report.more_errors:
                cursor.execute(
                    f"SELECT count(*) FROM {BusinessFigure._meta.db_table} f JOIN ({self.pairs_sql()}) k "  # noqa: S608 (our SQL; values are parameters)
                    "ON f.client_id = k.client_id AND f.month = k.month",
                    clients_params,
                )
                self.report.replaced = cursor.fetchone()[0]
        return self.finish()

    def clients_sql(self) -> tuple[str, tuple]:
        return importable_clients(self.by).values("id", "code").query.sql_with_params()

    def pairs_sql(self) -> str:
        clients_sql, _params = self.clients_sql()
        return (
            f"SELECT DISTINCT c.id AS client_id, s.month FROM {STAGING} s "  # noqa: S608 (our SQL; values are parameters)
            f"JOIN ({clients_sql}) c ON c.code = s.client_code"
        )

    def owner_months(self) -> set[tuple[int, date]]:
        """The (client's owner, month) pairs the import replaced figures of."""
        _sql, clients_params = self.clients_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT o.owner_id, k.month FROM ({self.pairs_sql()}) k "  # noqa: S608 (our SQL; values are parameters)
                f"JOIN {Client._meta.db_table} o ON o.id = k.client_id",
                clients_params,
            )
            return set(cursor.fetchall())

    def replace(self, batch: FigureImport) -> None:
        figures = BusinessFigure._meta.db_table
        clients_sql, clients_params = self.clients_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {figures} f USING ({self.pairs_sql()}) k "  # noqa: S608 (our SQL; values are parameters)
                "WHERE f.client_id = k.client_id AND f.month = k.month",
                clients_params,
            )
            self.report.replaced = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {figures} (client_id, product_id, month, quantity, amount, orders, batch_id) "  # noqa: S608 (our SQL; values are parameters)
                f"SELECT c.id, p.id, s.month, s.quantity, s.amount, s.orders, %s FROM {STAGING} s "
                f"JOIN ({clients_sql}) c ON c.code = s.client_code "
                f"JOIN {Product._meta.db_table} p ON p.code = s.product_code "
                "ORDER BY c.id, s.month, p.id",  # the unique index's order: its pages fill one after another
                [batch.pk, *clients_params],
            )
