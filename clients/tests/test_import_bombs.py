"""A small file that is huge inside never ties up a web worker (issue #28, item 3): the
shared reader refuses a zip that unpacks far beyond any spreadsheet before parsing it,
and stops reading at the first row past the caller's limit, with a clear message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import imports
from clients.imports import ImportFileError, read_records

from .files import one_cell_rows, sheet, with_sheet, xlsx

HEADER = ["code", "name", "tier", "owner"]


def counted(records):
    """The rows read before the reader gave up, and its error."""
    read = []
    with pytest.raises(ImportFileError) as error:
        for row in records:
            read.append(row)
    return len(read), str(error.value)


def test_a_zip_bomb_is_refused_before_its_sheet_is_parsed(monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    rows, message = counted(read_records("bomb.xlsx", one_cell_rows(400_000), max_rows=5000))
    assert rows == 0
    assert "unpacks to" in message


def test_reading_stops_at_the_first_row_past_the_limit():
    honest = xlsx([HEADER] + [[f"C-{n}", "Acme", "standard", "mgr_a1"] for n in range(6000)])
    rows, message = counted(read_records("big.xlsx", honest, max_rows=5000))
    assert rows == 5001  # the header and 5,000 rows, not one more
    assert "more than 5,000 rows" in message

    text = ",".join(HEADER) + "\n" + "C,Acme,standard,mgr_a1\n" * 6000
    rows, _message = counted(read_records("big.csv", text.encode(), max_rows=5000))
    assert rows == 5001


def test_blank_rows_and_far_columns_cost_nothing():
    # A sheet that claims the whole grid, with one cell in its last column and one in its last row.
    far = sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
        b'<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>'
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        dimension=b"A1:XFD1048576",
    )
    records = read_records("far.xlsx", with_sheet(far), max_rows=5000)
    first = next(records)
    assert len(first) <= imports.MAX_COLUMNS
    rows, message = counted(records)
    assert rows < 100_000 and "rows" in message


def test_the_import_page_refuses_the_bomb_with_a_clear_message(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("bomb.xlsx", one_cell_rows(400_000))})
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "unpacks to" in message


def test_the_import_page_refuses_more_than_5000_rows(client, supervisor, manager):
    client.force_login(supervisor)
    rows = [HEADER] + [[f"C-{n}", "Acme", "standard", "mgr_a1"] for n in range(5001)]
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("big.xlsx", xlsx(rows))})
    [message] = response.context["form"].errors["file"]
    assert message == "The file has more than 5,000 rows; import at most 5,000 at a time."
