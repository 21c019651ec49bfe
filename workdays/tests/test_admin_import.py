"""The admin's calendar pages: listed by year, and the yearly import form."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workdays.models import CalendarDay

from .factories import CalendarDayFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:workdays_calendarday_import")


def upload(text: str, encoding: str = "utf-8"):
    return SimpleUploadedFile("2026.csv", text.encode(encoding), content_type="text/csv")


def test_admin_imports_a_year(client, admin_user):
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    text = "日期,类型,名称\n2026-10-01,休,国庆节\n2026-10-10,班,国庆节调休上班\n"
    response = client.post(URL, {"year": 2026, "file": upload(text, "gb18030")})
    assert response.status_code == 302 and response["Location"].endswith("?year=2026")
    assert CalendarDay.objects.count() == 2
    listing = client.get(response["Location"])
    assert "国庆节调休上班" in listing.content.decode()


def test_wrong_rows_are_shown_and_nothing_is_saved(client, admin_user):
    CalendarDayFactory(date=date(2026, 1, 1), name="元旦")
    client.force_login(admin_user)
    response = client.post(URL, {"year": 2026, "file": upload("2026-10-01,休,国庆节\n2026-13-01,休,国庆节\n")})
    assert response.status_code == 200
    assert response.context["report"].errors[0].line == 2
    assert "YYYY-MM-DD" in response.content.decode()
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["元旦"]  # nothing replaced


def test_a_file_that_cannot_be_read_is_an_error_next_to_the_field(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, {"year": 2026, "file": upload("date,kind,name\n")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = client.post(URL, {"year": 1900, "file": upload("2026-10-01,休,国庆节\n")})
    assert response.status_code == 200 and response.context["form"].errors["year"]
    assert not CalendarDay.objects.exists()


def test_only_admins_import(client, manager):
    client.force_login(manager)
    response = client.post(URL, {"year": 2026, "file": upload("2026-10-01,休,国庆节\n")})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not CalendarDay.objects.exists()


HOSTILE = [
    "2026-10-01,holiday,<script>alert('crm')</script>\n",
    "2026-10-01,holiday,null\x00byte\n",
    "2026-10-01,<img src=x onerror=alert(1)>,x\n",
    "9999-99-99,holiday,x\n2026-02-30,holiday,x\n",
    "2026-10-01,holiday," + "长" * 5000 + "\n",
    '"unclosed,quote\n' * 3,
    "\ufeff;;;\n,,,\n\t\t\n",
    "2026-10-01\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_files_never_break_the_page(client, admin_user, text):
    client.force_login(admin_user)
    response = client.post(URL, {"year": 2026, "file": upload(text)})
    assert response.status_code in (200, 302)
    page = client.get(response["Location"]).content.decode() if response.status_code == 302 else response.content
    page = page if isinstance(page, str) else page.decode()
    assert "<script>alert('crm')</script>" not in page and "<img src=x" not in page
    assert all("\x00" not in name for name in CalendarDay.objects.values_list("name", flat=True))


def test_binary_garbage_is_an_error_not_a_crash(client, admin_user):
    client.force_login(admin_user)
    garbage = SimpleUploadedFile("2026.csv", bytes(range(256)) * 20, content_type="text/csv")
    response = client.post(URL, {"year": 2026, "file": garbage})
    assert response.status_code == 200 and not CalendarDay.objects.exists()
