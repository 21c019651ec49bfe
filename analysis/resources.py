"""Product import and export (django-import-export, in the admin).

Rows are matched by product code; the category is given by its path in the tree
("Cigarettes > Domestic") or by a name used only once; headers may be the column names
or their usual Chinese names. An exported file imports back unchanged.
"""

from __future__ import annotations

import re
from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from clients.imports import read_records
from crm import spreadsheets
from crm.i18n import named
from rollups import services as rollups

from .models import Product, ProductCategory

COLUMNS = ["code", "name", "brand", "category", "unit", "unit_price", "is_key_brand", "tar_mg", "is_active"]
HEADER_ALIASES = {
    "商品编码": "code", "商品代码": "code", "规格编码": "code", "编码": "code", "商品名称": "name", "名称": "name",
    "规格名称": "name", "品牌": "brand", "品类": "category", "类别": "category", "分类": "category",
    "单位": "unit", "计量单位": "unit", "单价": "unit_price", "价格": "unit_price", "条价": "unit_price",
    "是否重点品牌": "is_key_brand", "重点品牌": "is_key_brand", "焦油量": "tar_mg", "焦油含量": "tar_mg",
    "是否有效": "is_active", "有效": "is_active", "price per unit": "unit_price", "key brand": "is_key_brand",
    "tar content": "tar_mg", "active": "is_active",
}  # fmt: skip
YES = {"1", "true", "yes", "y", "是", "对", "√", "x"}
NO = {"", "0", "false", "no", "n", "否", "不是"}
PATH_SEPARATOR = re.compile(r"\s*[>›/]\s*")


def category_path(category: ProductCategory | None) -> str:
    names = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return " > ".join(reversed(names))


class YesNoWidget(widgets.Widget):
    """是/否, yes/no, true/false, 1/0; empty is no."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Enter yes or no (是 or 否)."))

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


class CategoryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        names = [name for name in PATH_SEPARATOR.split(text) if name]
        if len(names) == 1:
            matches = list(ProductCategory.objects.filter(named("name", names[0]))[:2])
            if len(matches) == 1:
                return matches[0]
        node = None
        for name in names:
            node = ProductCategory.objects.filter(named("name", name), parent=node).first()
            if node is None:
                break
        if node is None:
            raise ValueError(
                _("There is no category “%(value)s”: give its path, e.g. Cigarettes > Domestic, or add it first.")
                % {"value": text}
            )
        return node

    def render(self, value, obj=None, **kwargs):
        return category_path(value)


class PriceWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        try:
            number = super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("Enter a number of 0 or more, e.g. 12 or 1234.50.")) from None
        if number is not None and number < 0:
            raise ValueError(_("Enter a number of 0 or more, e.g. 12 or 1234.50."))
        return number if number is not None else Decimal(0)


class ProductResource(resources.ModelResource):
    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    unit_price = fields.Field(attribute="unit_price", column_name="unit_price", widget=PriceWidget())
    is_key_brand = fields.Field(attribute="is_key_brand", column_name="is_key_brand", widget=YesNoWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget())
    tar_mg = fields.Field(column_name="tar_mg")

    class Meta:
        model = Product
        import_id_fields = ["code"]
        fields = COLUMNS
        export_order = COLUMNS
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        # A key-brand flag changed by the import: the months the products were sold in are
        # rebuilt once, in the import's transaction (after_import), not once per product.
        self._rebuild_rollups = not dry_run
        with rollups.refreshing_products():
            return super().import_data(dataset, dry_run, *args, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        rollups.rebuild_changed_products(rebuild=getattr(self, "_rebuild_rollups", True) and not result.has_errors())

    def before_import(self, dataset, **kwargs):
        aliases = {**HEADER_ALIASES, **{column: column for column in COLUMNS}}
        dataset.headers = [aliases.get(str(h or "").strip().casefold(), h) for h in dataset.headers]
        if "is_active" not in dataset.headers:
            dataset.append_col(["1"] * len(dataset), header="is_active")

    def dehydrate_tar_mg(self, product: Product):
        return (product.attributes or {}).get("tar_mg", "")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        tar = str(row.get("tar_mg") if row.get("tar_mg") is not None else "").strip()
        attributes = dict(instance.attributes or {})
        if tar:
            try:
                number = Decimal(tar)
            except ArithmeticError:
                number = None
            if number is None or not number.is_finite() or number < 0:
                raise ValidationError({"tar_mg": _("Enter a number, e.g. 8 or 10.5.")})
            attributes["tar_mg"] = float(number)
        else:
            attributes.pop("tar_mg", None)
        instance.attributes = attributes

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = _("Imported")


# The admin's file formats: products are read with the imports' shared reader (its limits
# against files that are huge inside) and written by crm.spreadsheets (no live formulas).
MAX_PRODUCT_ROWS = 20_000


def _product_dataset(name: str, content) -> tablib.Dataset:
    if isinstance(content, str):
        content = content.encode()
    records = (row for row in read_records(name, content, max_rows=MAX_PRODUCT_ROWS) if any(row))
    headers = [str(cell if cell is not None else "").strip() for cell in next(records, [])]
    dataset = tablib.Dataset(headers=headers)
    for row in records:
        row = list(row[: len(headers)])
        dataset.append(row + [None] * (len(headers) - len(row)))
    return dataset


class ProductCSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        return _product_dataset("products.csv", in_stream)

    def export_data(self, dataset, **kwargs):
        return spreadsheets.csv_text(spreadsheets.dataset_rows(dataset))


class ProductXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return _product_dataset("products.xlsx", in_stream)

    def export_data(self, dataset, **kwargs):
        return spreadsheets.xlsx_bytes(spreadsheets.dataset_rows(dataset))
