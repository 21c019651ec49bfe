"""Where the ordering system's demand comes from (the job ``analysis.import_demand``).

A source is a class named by ``CRM_DEMAND_SOURCE`` (a dotted path) with one method,
``batches(default_month)``, yielding ``DemandBatch`` objects: a name, the rows, and what to
do once the batch is stored (``done``) or refused (``failed``). The job stores each batch
in one transaction through ``analysis.demand.import_ordering_demand`` and then
acknowledges it, so a batch acknowledged is never read again. A source that reads an API
or a message queue plugs in the same way.

``FileDropSource`` reads CSV files that the ordering system drops into
``CRM_DEMAND_DROP_FOLDER``: columns client code, product code, quantity and month, with
English or Chinese headers (``client_code`` / 客户编码, ``product_code`` / 商品编码,
``quantity`` / 数量, ``month`` / 月份), UTF-8 or GB18030. A stored file moves to ``done/``,
a refused one to ``failed/`` (the job's run lists its errors by line and column).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from clients.imports import ImportFileError, cell_text, read_records

from .demand import DemandRow

# Column names the file may use, English or Chinese (case and spaces do not matter).
HEADERS = {
    "client_code": ("client_code", "client code", "client", "客户编码", "客户代码", "客户编号"),
    "product_code": ("product_code", "product code", "product", "商品编码", "商品代码", "规格编码", "卷烟编码"),
    "quantity": ("quantity", "qty", "数量", "需求量", "需求数量"),
    "month": ("month", "月份", "需求月份"),
}
MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d", "%Y%m", "%Y/%m", "%Y/%m/%d")


@dataclass
class DemandBatch:
    name: str
    rows: list[DemandRow]
    errors: list[str] = field(default_factory=list)  # the file itself could not be read
    done: Callable[[], None] = lambda: None
    failed: Callable[[], None] = lambda: None


def demand_source():
    """The configured source (``CRM_DEMAND_SOURCE``)."""
    return import_string(settings.CRM_DEMAND_SOURCE)()


def _key(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


_ALIASES = {_key(alias): column for column, aliases in HEADERS.items() for alias in aliases}


def parse_month(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in MONTH_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


def read_demand_csv(content: bytes, *, default_month: date) -> tuple[list[DemandRow], list[str]]:
    """The rows of a demand file, and the errors (by line and column) that refuse it."""
    try:
        # A ".csv" that is really an .xlsx (read as one) gives numbers and empty cells: text them.
        lines = [[cell_text(cell) for cell in row] for row in read_records("demand.csv", content)]
    except ImportFileError as error:
        return [], [str(error)]
    if not lines:
        return [], [_("The file is empty.")]
    columns = [_ALIASES.get(_key(cell)) for cell in lines[0]]
    missing = [name for name in ("client_code", "product_code", "quantity") if name not in columns]
    if missing:
        return [], [_("Columns missing: %(columns)s") % {"columns": ", ".join(missing)}]
    rows, errors = [], []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: cells[i].strip() for i, column in enumerate(columns) if column and i < len(cells)}
        try:
            quantity = Decimal(values.get("quantity", "").replace(",", ""))
            if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                _("line %(line)s, column %(column)s: not a quantity above zero")
                % {"line": number, "column": "quantity"}
            )
            continue
        month = parse_month(values["month"]) if values.get("month") else default_month
        if month is None:
            errors.append(
                _("line %(line)s, column %(column)s: not a month (YYYY-MM)") % {"line": number, "column": "month"}
            )
            continue
        for column in ("client_code", "product_code"):
            if not values.get(column):
                errors.append(_("line %(line)s, column %(column)s: empty") % {"line": number, "column": column})
        rows.append(
            DemandRow(
                line=number,
                client_code=values.get("client_code", ""),
                product_code=values.get("product_code", ""),
                quantity=quantity.quantize(Decimal("0.01")),
                month=month,
            )
        )
    return rows, errors


class FileDropSource:
    """CSV files dropped into ``CRM_DEMAND_DROP_FOLDER`` (oldest name first)."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder or settings.CRM_DEMAND_DROP_FOLDER)

    def _move(self, path: Path, to: str) -> None:
        target = self.folder / to
        target.mkdir(parents=True, exist_ok=True)
        destination = target / path.name
        if destination.exists():  # the same name dropped again: keep both
            destination = target / f"{path.stem}-{datetime.now():%Y%m%d%H%M%S%f}{path.suffix}"
        shutil.move(str(path), str(destination))

    def batches(self, default_month: date) -> Iterator[DemandBatch]:
        if not self.folder.is_dir():
            return
        for path in sorted(p for p in self.folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
            rows, errors = read_demand_csv(path.read_bytes(), default_month=default_month)
            yield DemandBatch(
                name=path.name,
                rows=rows,
                errors=errors,
                done=lambda path=path: self._move(path, "done"),
                failed=lambda path=path: self._move(path, "failed"),
            )
