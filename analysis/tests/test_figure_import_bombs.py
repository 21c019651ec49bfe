"""The figure upload, the demand file drop and the admin's product import read files with the
clients' reader, so a zip bomb is refused there too, with a clear message (issue #28, item 3)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analysis import figures
from analysis.demand_sources import read_demand_csv
from analysis.models import Product
from clients.imports import ImportFileError
from clients.tests.files import one_cell_rows

pytestmark = pytest.mark.django_db


def test_the_figure_reader_refuses_a_zip_bomb():
    with pytest.raises(ImportFileError, match="unpacks to"):
        figures.read_file("bomb.xlsx", one_cell_rows(400_000))


def test_the_figure_upload_refuses_a_zip_bomb(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("analysis:figures_import"), {"file": SimpleUploadedFile("bomb.xlsx", one_cell_rows(400_000))}
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "unpacks to" in message


def test_the_demand_file_drop_refuses_a_zip_bomb():
    rows, errors = read_demand_csv(one_cell_rows(400_000), default_month=date(2026, 11, 1))
    assert rows == [] and "unpacks to" in errors[0]


def test_the_admin_product_import_refuses_a_zip_bomb(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:analysis_product_import"),
        {"import_file": SimpleUploadedFile("bomb.xlsx", one_cell_rows(400_000)), "format": "1"},
    )
    assert response.status_code == 200
    assert "unpacks to" in response.content.decode()
    assert not Product.objects.exists()
