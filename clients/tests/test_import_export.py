import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import imports
from clients.models import Client, OwnerChange
from clients.tests.factories import ClientFactory, ClientGroupFactory

HEADER = "code,name,tier,group,owner,status,phone,email,start_date,visit_method\n"


def upload(text: str, name: str = "clients.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def post_file(client, file):
    return client.post(reverse("clients:import"), {"file": file})


def confirm(client, response):
    return client.post(reverse("clients:import_confirm"), {"token": response.context["token"]})


@pytest.fixture
def sup(client, supervisor):
    client.force_login(supervisor)
    return client


def test_valid_file_is_checked_then_imported(sup, manager, teammate):
    group = ClientGroupFactory(code="G-ACME", lead_manager=manager)
    text = HEADER + (
        "A-001,Acme Tea,vip-gold,G-ACME,mgr_a1,active,0571-88886666,ops@acme.cn,2019-05-01,on_site\n"
        "A-002,Bravo Print,standard,,mgr_a2,prospect,13912345678,,2025/10/01,电话\n"
    )
    response = post_file(sup, upload(text))
    assert response.status_code == 200
    assert response.context["report"].ok, response.context["report"].errors
    assert response.context["report"].new == 2
    assert not Client.objects.exists(), "checking must not save anything"

    response = confirm(sup, response)
    assert response.status_code == 302
    acme = Client.objects.get(code="A-001")
    assert (acme.group, acme.owner, acme.team, acme.tier.code) == (group, manager, manager.team, "vip-gold")
    bravo = Client.objects.get(code="A-002")
    assert bravo.visit_method == "phone"  # the Chinese label was accepted
    assert str(bravo.start_date) == "2025-10-01"
    assert OwnerChange.objects.filter(client=acme, to_owner=manager, from_owner=None).exists()
    assert acme.history.latest().history_user.username == "sup_a"


def test_one_bad_row_imports_nothing_and_reports_the_row(sup, manager, other_manager):
    ClientFactory(code="EXISTING", owner=other_manager)
    text = HEADER + (
        "B-001,Good One,standard,,mgr_a1,active,0571-12345678,,,\n"
        "B-002,Bad Tier,platinum,,mgr_a1,active,,,,\n"
        "B-003,Bad Owner,standard,,mgr_b1,active,,,,\n"
        "B-004,Bad Phone,standard,,mgr_a1,active,call me,not-an-email,31/12/2020,\n"
        "B-001,Duplicate,standard,,mgr_a1,active,,,,\n"
        "EXISTING,Someone Else's,standard,,mgr_a1,active,,,,\n"
        "B-007,Unknown Group,standard,NOPE,ghost,sideways,,,,\n"
    )
    response = post_file(sup, upload(text))
    report = response.context["report"]
    assert not report.ok
    found = {(e.line, e.column) for e in report.errors}
    assert {
        (3, "tier"),
        (4, "owner"),
        (5, "phone"),
        (5, "email"),
        (5, "start_date"),
        (6, "code"),
        (7, "code"),
        (8, "group"),
        (8, "owner"),
        (8, "status"),
    } <= found
    assert (2, "code") not in found and not any(e.line == 2 for e in report.errors)
    assert "token" not in response.context
    assert Client.objects.count() == 1
    assert Client.objects.get(code="EXISTING").owner == other_manager

    report_csv = sup.get(reverse("clients:import_errors", args=[response.context["errors_token"]]))
    assert report_csv.status_code == 200
    rows = list(csv.reader(io.StringIO(report_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Column", "Value", "Error"]
    assert rows[1][:3] == ["3", "tier", "platinum"]
    assert "no tier" in rows[1][3]


def test_run_import_rolls_back_when_data_changed_since_the_check(supervisor, manager):
    file = upload(HEADER + "C-001,One,standard,,mgr_a1,active,,,,\nC-002,Two,standard,,mgr_a1,active,,,,\n")
    checked = imports.load_upload(file)
    assert imports.check_upload(checked, supervisor).ok
    manager.is_active = False  # the owner left between the check and the confirmation
    manager.save()
    report = imports.run_import(checked, supervisor)
    assert not report.imported and len(report.errors) == 2
    assert not Client.objects.exists()


def test_update_by_code_keeps_history_and_records_owner_change(sup, manager, teammate):
    acme = ClientFactory(code="U-1", name="Old name", owner=manager)
    response = post_file(sup, upload(HEADER + "U-1,New name,standard,,mgr_a2,active,,,,\n"))
    assert response.context["report"].updated == 1
    confirm(sup, response)
    acme.refresh_from_db()
    assert (acme.name, acme.owner) == ("New name", teammate)
    change = OwnerChange.objects.get(client=acme, to_owner=teammate)
    assert change.from_owner == manager and change.changed_by.username == "sup_a"
    assert acme.history.count() == 2


def test_gb18030_csv_with_chinese_headers(sup, manager):
    text = "客户编码,名称,等级,客户经理,状态\nZ-1,杭州茶叶有限公司,standard,mgr_a1,活跃\n"
    response = post_file(sup, upload(text, encoding="gb18030"))
    report = response.context["report"]
    assert report.ok, report.errors
    confirm(sup, response)
    assert Client.objects.get(code="Z-1").name == "杭州茶叶有限公司"


def test_xlsx_upload(sup, manager):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "tier", "owner", "phone", "start_date"])
    sheet.append(["X-1", "Excel Co", "basic", "mgr_a1", 13800138000, None])
    sheet.append([None, None, None, None, None, None])  # blank rows are skipped
    data = io.BytesIO()
    book.save(data)
    file = SimpleUploadedFile("clients.xlsx", data.getvalue())
    response = post_file(sup, file)
    assert response.context["report"].ok, response.context["report"].errors
    confirm(sup, response)
    assert Client.objects.get(code="X-1").phone == "13800138000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,tier\nFoo,standard\n", "missing"),
        ("code,name,tier,owner\n", "no clients"),
    ],
)
def test_unreadable_files_get_a_message_on_the_field(sup, manager, text, message):
    response = post_file(sup, upload(text))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])


def test_file_size_cap(sup, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10)
    response = post_file(sup, upload(HEADER))
    assert "5 MB" in str(response.context["form"].errors["file"])


def test_managers_cannot_import_or_export(client, manager):
    client.force_login(manager)
    assert client.get(reverse("clients:import")).status_code == 403
    assert client.get(reverse("clients:export")).status_code == 403
    assert client.get(reverse("clients:import_template")).status_code == 403


def test_export_respects_scope_and_filters_and_round_trips(sup, manager, teammate, other_manager):
    ClientFactory(code="MINE-1", name="Alpha", owner=manager, status="active")
    ClientFactory(code="MINE-2", name="Beta", owner=teammate, status="dormant")
    ClientFactory(code="THEIRS", owner=other_manager)
    response = sup.get(reverse("clients:export"), {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["code"] for r in rows) == ["MINE-1", "MINE-2"]
    assert rows[0]["owner"] == "mgr_a1" and rows[0]["tier"] == "standard"

    response = sup.get(reverse("clients:export"), {"format": "csv", "status": "dormant"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ["MINE-2"]

    # The export imports back as "unchanged".
    full = sup.get(reverse("clients:export"), {"format": "csv"}).content
    response = post_file(sup, SimpleUploadedFile("back.csv", full))
    report = response.context["report"]
    assert report.ok and report.unchanged == 2 and report.new == 0


def test_xlsx_export(sup, manager):
    ClientFactory(code="XL-1", owner=manager)
    response = sup.get(reverse("clients:export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert "XL-1" in values


def test_admin_exports_everyone(client, admin_user, manager, other_manager):
    ClientFactory(owner=manager)
    ClientFactory(owner=other_manager)
    client.force_login(admin_user)
    response = client.get(reverse("clients:export"), {"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))) == 2


def test_import_page_lists_columns(sup):
    response = sup.get(reverse("clients:import"))
    assert response.status_code == 200
    assert b"vip-gold" in response.content and b"visit_method" in response.content
