"""The analysis admin: products (list, key-brand actions, CSV import with Chinese headers),
figure imports read-only, targets with history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analysis.admin import ProductAdmin
from analysis.models import BrandTarget, FigureImport, Product, ProductCategory
from analysis.resources import ProductResource

from .factories import ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_product_list_has_no_unlabelled_inputs_and_bounded_queries(client, admin_user,
                                                                        django_assert_max_num_queries):  # fmt: skip
    assert not ProductAdmin.list_editable  # the key-brand flag is an action, not a bare checkbox per row
    parent = ProductCategoryFactory(name="Cigarettes")
    for n in range(30):
        ProductFactory(category=ProductCategoryFactory(name=f"Sub {n}", parent=parent))
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:analysis_product_changelist"))
    assert page.status_code == 200
    assert b'name="form-0-' not in page.content


def test_key_brand_actions_change_the_flag_with_history(client, admin_user):
    products = [ProductFactory(), ProductFactory()]
    client.force_login(admin_user)
    client.post(
        reverse("admin:analysis_product_changelist"),
        {"action": "mark_key_brand", "_selected_action": [p.pk for p in products]},
    )
    assert Product.objects.filter(is_key_brand=True).count() == 2
    assert products[0].history.count() == 2  # created, then marked


def test_products_import_from_csv_with_chinese_headers(client, admin_user):
    ProductCategoryFactory(name="卷烟")
    ProductFactory(code="6901028001", name="Old name")
    content = (
        "商品编码,商品名称,品牌,品类,单位,单价,是否重点品牌,焦油量\n"
        "6901028001,中华(硬),中华,卷烟,条,450.00,是,11\n"
        '6901028075,红塔山(经典),红塔山,卷烟,条,"1,100",否,\n'
    ).encode()
    client.force_login(admin_user)
    preview = client.post(
        reverse("admin:analysis_product_import"),
        {"import_file": SimpleUploadedFile("products.csv", content), "format": "0"},
    )
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.context.get("result") and preview.context["result"].invalid_rows
    done = client.post(reverse("admin:analysis_product_process_import"), confirm.initial)
    assert done.status_code == 302
    updated = Product.objects.get(code="6901028001")
    assert (updated.name, updated.brand, updated.is_key_brand, updated.attributes) == ("中华(硬)", "中华", True,
                                                                                       {"tar_mg": 11.0})  # fmt: skip
    added = Product.objects.get(code="6901028075")
    assert (added.unit_price, added.is_key_brand, added.category.name) == (Decimal("1100.00"), False, "卷烟")


def test_a_product_import_with_an_unknown_category_imports_nothing(client, admin_user):
    content = b"code,name,brand,category,unit,unit_price,is_key_brand\nX1,X,B,Nowhere,carton,1,no\n"
    client.force_login(admin_user)
    preview = client.post(
        reverse("admin:analysis_product_import"),
        {"import_file": SimpleUploadedFile("products.csv", content), "format": "0"},
    )
    assert preview.context.get("confirm_form") is None
    assert "Nowhere" in preview.content.decode()
    assert not Product.objects.exists()


def test_an_export_imports_back_unchanged():
    leaf = ProductCategory.objects.create(name="Domestic", parent=ProductCategory.objects.create(name="Cigarettes"))
    ProductFactory(code="E1", category=leaf, attributes={"tar_mg": 8}, is_key_brand=True)
    dataset = ProductResource().export()
    assert dict(zip(dataset.headers, dataset[0], strict=True)) | {"unit_price": "250.00"} == {
        "code": "E1", "name": dataset[0][1], "brand": "Brand A", "category": "Cigarettes > Domestic",
        "unit": "carton", "unit_price": "250.00", "is_key_brand": "1", "tar_mg": 8, "is_active": "1",
    }  # fmt: skip
    result = ProductResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1  # nothing changed


def test_figure_imports_are_read_only(client, admin_user):
    batch = FigureImport.objects.create(source="api", rows=3)
    client.force_login(admin_user)
    assert client.get(reverse("admin:analysis_figureimport_changelist")).status_code == 200
    assert client.get(reverse("admin:analysis_figureimport_add")).status_code == 403
    page = client.get(reverse("admin:analysis_figureimport_change", args=[batch.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_targets_keep_their_history(client, admin_user, manager):
    target = BrandTarget.objects.create(owner=manager, product=ProductFactory(), month=date(2026, 12, 1),
                                        stocking_rate=Decimal("80"))  # fmt: skip
    target.stocking_rate = Decimal("85")
    target.save()
    client.force_login(admin_user)
    history = client.get(reverse("admin:analysis_brandtarget_history", args=[target.pk]))
    assert history.status_code == 200 and target.history.count() == 2
    for name in ("focusproduct", "abilitydimension", "markettarget", "productcategory", "brandtarget"):
        assert client.get(reverse(f"admin:analysis_{name}_changelist")).status_code == 200
