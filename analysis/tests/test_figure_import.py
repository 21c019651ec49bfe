"""Importing business figures: all or nothing, errors by line and column, a month replaced
per client, CSV (UTF-8 and GB18030) and Excel, and who may import (the upload pages)."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from analysis import figures
from analysis.models import BusinessFigure, FigureImport, Product
from clients.tests.factories import ClientFactory

from .factories import BusinessFigureFactory, ProductFactory

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
HEADER = "client_code,product_code,month,quantity,amount,orders\n"


def run(content: bytes | str, by, *, name: str = "figures.csv", dry_run: bool = False) -> figures.FigureReport:
    data = content.encode() if isinstance(content, str) else content
    return figures.import_figures(
        rows=figures.read_file(name, data).rows, by=by, source="upload", file_name=name, dry_run=dry_run
    )


@pytest.fixture
def book(manager, teammate):
    clients = [ClientFactory(owner=manager, code="C1"), ClientFactory(owner=teammate, code="C2")]
    products = [ProductFactory(code=code) for code in ("P1", "P2", "P3")]
    return clients, products


def figures_of(client) -> dict[tuple[str, str], tuple]:
    return {
        (f.product.code, f"{f.month:%Y-%m}"): (f.quantity, f.amount, f.orders)
        for f in BusinessFigure.objects.filter(client=client).select_related("product")
    }


def test_a_valid_file_is_imported_and_recorded(book, supervisor):
    (c1, _c2), _products = book
    report = run(HEADER + "C1,P1,2026-11,12,3000.50,2\nC1,P2,2026-11,1.5,300,1\nC2,P1,2026-11,4,1000,1\n", supervisor)
    assert report.ok and report.imported
    assert (report.total, report.clients, report.months, report.replaced) == (3, 2, ["2026-11"], 0)
    assert figures_of(c1) == {("P1", "2026-11"): (Decimal("12.00"), Decimal("3000.50"), 2),
                              ("P2", "2026-11"): (Decimal("1.50"), Decimal("300.00"), 1)}  # fmt: skip
    batch = FigureImport.objects.get()
    assert (batch.source, batch.by, batch.rows, batch.clients, batch.months) == ("upload", supervisor, 3, 2, "2026-11")
    assert BusinessFigure.objects.filter(batch=batch).count() == 3


def test_one_bad_row_among_ten_thousand_imports_nothing_and_names_line_and_column(supervisor, manager):
    clients = [ClientFactory(owner=manager, code=f"K{n:03d}") for n in range(100)]
    Product.objects.bulk_create(Product(code=f"Q{n:03d}", name=f"Q{n}", brand="B") for n in range(100))
    lines = [HEADER.strip()]
    for client in clients:
        lines += [f"{client.code},Q{n:03d},2026-11,{n},{n * 25}.50,1" for n in range(100)]
    assert len(lines) == 10_001
    lines[5_000] = lines[5_000].replace("2026-11", "2026-13")  # line 5,001 of the file
    report = run("\n".join(lines), supervisor)
    assert not report.imported
    assert [(e.line, e.column, e.value) for e in report.errors] == [(5_001, "month", "2026-13")]
    assert "YYYY-MM" in report.errors[0].message
    assert not BusinessFigure.objects.exists()
    assert not FigureImport.objects.exists()


def test_every_kind_of_wrong_row_is_reported_by_line_and_column(book, supervisor):
    report = run(
        HEADER
        + "C1,P1,2026-11,12,3000,2\n"  # fine
        + "C9,P1,2026-11,1,1,1\n"  # line 3: no such client
        + "C1,P9,2026-11,1,1,1\n"  # line 4: no such product
        + "C1,P1,2026-11,1,1,1\n"  # line 5: the same client, product and month as line 2
        + "C2,P2,2027-01,-1,1.234,x\n"  # line 6: a month to come, a negative quantity, 3 decimals, orders
        + ",P2,2026-11,1,1,1\n",  # line 7: no client code
        supervisor,
    )
    found = [(e.line, e.column) for e in report.errors]
    assert found == [(3, "client_code"), (4, "product_code"), (5, "product_code"), (6, "month"),
                     (6, "quantity"), (6, "amount"), (6, "orders"), (7, "client_code")]  # fmt: skip
    assert "line 2" in report.errors[2].message
    assert not BusinessFigure.objects.exists()


def test_a_second_import_of_the_month_replaces_the_clients_rows(book, supervisor):
    (c1, c2), (p1, _p2, _p3) = book
    october = BusinessFigureFactory(client=c1, product=p1, month=date(2026, 10, 1))
    run(HEADER + "C1,P1,2026-11,10,100,1\nC1,P2,2026-11,20,200,2\nC2,P1,2026-11,5,50,1\n", supervisor)
    # A later import (say the week's update) of C1's November: its rows replace C1's November.
    report = run(HEADER + "C1,P3,2026-11,7,70,1\nC1,P1,2026-11,11,110,2\n", supervisor)
    assert report.imported and report.replaced == 2
    assert figures_of(c1) == {("P1", "2026-10"): (october.quantity, october.amount, october.orders),
                              ("P1", "2026-11"): (Decimal("11.00"), Decimal("110.00"), 2),
                              ("P3", "2026-11"): (Decimal("7.00"), Decimal("70.00"), 1)}  # fmt: skip
    assert figures_of(c2) == {("P1", "2026-11"): (Decimal("5.00"), Decimal("50.00"), 1)}  # another client: kept
    assert BusinessFigure.objects.count() == 4


def test_the_same_import_twice_gives_the_same_rows(book, supervisor):
    content = HEADER + "C1,P1,2026-11,10,100,1\nC2,P2,2026-11,3,30,1\n"
    run(content, supervisor)
    first = sorted(BusinessFigure.objects.values_list("client__code", "product__code", "quantity"))
    run(content, supervisor)
    assert sorted(BusinessFigure.objects.values_list("client__code", "product__code", "quantity")) == first


def test_a_gb18030_file_with_chinese_headers(book, supervisor):
    (c1, _c2), _products = book
    content = '客户编码,商品编码,月份,数量,金额,订单数,备注\nC1,P1,2026年11月,"1,200","300,000.00",3,好\n'
    report = run(content.encode("gb18030"), supervisor)
    assert report.imported, report.errors
    assert figures_of(c1) == {("P1", "2026-11"): (Decimal("1200.00"), Decimal("300000.00"), 3)}


def test_an_excel_file(book, supervisor):
    (c1, _c2), _products = book
    sheet_book = Workbook()
    sheet = sheet_book.active
    sheet.append(["客户编码", "商品编码", "月份", "数量", "金额", "订单数"])
    sheet.append(["C1", "P2", date(2026, 11, 1), 8, 2000.5, 2])  # Excel turns 2026-11 into a date
    sheet.append(["C1", "P3", "2026-10", 1.25, 312.5, 1])
    out = io.BytesIO()
    sheet_book.save(out)
    report = run(out.getvalue(), supervisor, name="figures.xlsx")
    assert report.imported, report.errors
    assert figures_of(c1) == {("P2", "2026-11"): (Decimal("8.00"), Decimal("2000.50"), 2),
                              ("P3", "2026-10"): (Decimal("1.25"), Decimal("312.50"), 1)}  # fmt: skip


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(figures.ImportFileError, match="month"):
        figures.read_file("f.csv", b"client_code,product_code,quantity,amount,orders\nC1,P1,1,1,1\n")


def test_a_supervisor_imports_only_their_teams_clients(book, other_supervisor):
    report = run(HEADER + "C1,P1,2026-11,1,1,1\n", other_supervisor)
    assert [(e.line, e.column) for e in report.errors] == [(2, "client_code")]
    assert not BusinessFigure.objects.exists()


def test_a_manager_may_not_import(book, manager):
    with pytest.raises(PermissionDenied):
        run(HEADER + "C1,P1,2026-11,1,1,1\n", manager)


def test_a_dry_run_writes_nothing(book, supervisor):
    report = run(HEADER + "C1,P1,2026-11,1,1,1\n", supervisor, dry_run=True)
    assert report.ok and not report.imported
    assert not BusinessFigure.objects.exists() and not FigureImport.objects.exists()


# --- the pages --------------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "figures.csv"):
    return client.post(reverse("analysis:figures_import"), {"file": SimpleUploadedFile(name, content)})


def test_upload_check_then_confirm(client, book, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    assert client.get(reverse("analysis:figures_import")).status_code == 200
    with django_assert_max_num_queries(25):
        preview = upload(client, (HEADER + "C1,P1,2026-11,12,3000,2\nC2,P2,2026-11,1,1,1\n").encode())
    assert preview.status_code == 200 and b'data-testid="import-ok"' in preview.content
    assert not BusinessFigure.objects.exists()  # only checked so far
    done = client.post(reverse("analysis:figures_import_confirm"), {"token": preview.context["token"]})
    assert done.status_code == 302
    assert BusinessFigure.objects.count() == 2
    assert FigureImport.objects.get().file_name == "figures.csv"
    # The token is used up: a second confirmation imports nothing more.
    again = client.post(reverse("analysis:figures_import_confirm"), {"token": preview.context["token"]})
    assert again.status_code == 302 and FigureImport.objects.count() == 1


def test_upload_with_errors_shows_them_and_offers_the_report(client, book, supervisor):
    client.force_login(supervisor)
    preview = upload(client, (HEADER + "C1,P1,2026-11,12,3000,2\nC1,P1,11/2026,1,1,1\n").encode())
    assert b'data-testid="import-errors"' in preview.content
    report = client.get(reverse("analysis:figures_import_errors", args=[preview.context["errors_token"]]))
    text = report.content.decode("utf-8-sig")
    assert "3,month,11/2026" in text
    assert not BusinessFigure.objects.exists()


def test_managers_may_not_upload(client, book, manager):
    client.force_login(manager)
    assert client.get(reverse("analysis:figures_import")).status_code == 403
    assert upload(client, (HEADER + "C1,P1,2026-11,1,1,1\n").encode()).status_code == 403
    assert client.post(reverse("analysis:figures_import_confirm"), {"token": "x"}).status_code == 403
    assert not BusinessFigure.objects.exists()


def test_the_template_has_the_columns(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("analysis:figures_import_template"))
    assert response.content.decode("utf-8-sig").strip() == ",".join(figures.COLUMNS)


def test_the_sample_files_import(supervisor, manager, settings):
    for code in ("DEMO-00001", "DEMO-00002", "DEMO-00003"):
        ClientFactory(owner=manager, code=code)
    for code in ("6901028001", "6901028075", "6901028139"):
        ProductFactory(code=code)
    for name in ("figures-2026-11.csv", "figures-2026-11-gb18030.csv"):
        path = settings.BASE_DIR / "analysis" / "samples" / name
        report = run(path.read_bytes(), supervisor, name=name)
        assert report.imported and report.total == 5, report.errors
    assert BusinessFigure.objects.count() == 5  # the second replaced the first


# --- PostgreSQL: the COPY path --------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY into a staging table is PostgreSQL's")
def test_copy_path_imports_a_large_month_quickly(supervisor, manager):
    clients = [ClientFactory(owner=manager, code=f"K{n:04d}") for n in range(200)]
    Product.objects.bulk_create(Product(code=f"Q{n:03d}", name=f"Q{n}", brand="B") for n in range(250))
    rows = [(i + 2, {"client_code": c.code, "product_code": f"Q{n:03d}", "month": "2026-11", "quantity": n,
                     "amount": n * 10, "orders": 1}) for i, (c, n) in enumerate((c, n) for c in clients
                                                                                 for n in range(250))]  # fmt: skip
    started = time.monotonic()
    report = figures.import_figures(rows=rows, by=supervisor, source="upload")
    assert report.imported and report.total == 50_000
    assert time.monotonic() - started < 20
    assert BusinessFigure.objects.filter(month=NOVEMBER).count() == 50_000
    again = figures.import_figures(rows=rows[:250], by=supervisor, source="upload")  # one client's month again
    assert again.replaced == 250 and BusinessFigure.objects.count() == 50_000


# --- the file drop ------------------------------------------------------------------------------------


def test_the_command_imports_files_all_or_nothing(book, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + "C1,P1,2026-11,1,1,1\nC2,P1,2026-11,2,2,1\n", encoding="gb18030")
    bad.write_text(HEADER + "C1,P2,2026-11,1,1,1\nC1,P9,2026-11,1,1,1\n")
    with pytest.raises(CommandError, match="1 of 2 files"):
        call_command("import_figures", str(good), str(bad))
    assert sorted(BusinessFigure.objects.values_list("client__code", "product__code")) == [("C1", "P1"), ("C2", "P1")]
    assert "line 3, product_code" in capsys.readouterr().err
    batch = FigureImport.objects.get()
    assert (batch.file_name, batch.by) == ("good.csv", None)
