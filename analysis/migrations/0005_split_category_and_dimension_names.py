"""Product categories and ability dimensions get a name per language: the seeded
dimensions ("陈列 Display", described in English) and the demo's category tree (卷烟 …)
in both."""

from django.db import migrations

from crm.migration_names import split_names

DIMENSIONS = {
    ("description", "Where the shop is, how it looks from the street"): (
        "Where the shop is, how it looks from the street",
        "店铺位置与门面形象",
    ),
    ("description", "Stock, records, staff"): ("Stock, records, staff", "库存、台账与人员"),
    ("description", "Pays on time, keeps its word"): ("Pays on time, keeps its word", "按时回款，诚实守信"),
    ("description", "Takes part in activities, follows advice"): (
        "Takes part in activities, follows advice",
        "参与活动，听取建议",
    ),
    ("description", "Products shown well, key brands visible"): (
        "Products shown well, key brands visible",
        "商品陈列得当，重点品牌醒目",
    ),
}
# The demo's tree (analysis/demo.py).
CATEGORIES = {
    ("name", "卷烟"): ("Cigarettes", "卷烟"),
    ("name", "烤烟型"): ("Flue-cured", "烤烟型"),
    ("name", "混合型"): ("Blended", "混合型"),
    ("name", "新品类"): ("New formats", "新品类"),
    ("name", "细支"): ("Slim", "细支"),
    ("name", "中支"): ("Medium slim", "中支"),
}


def split(apps, schema_editor):
    split_names(apps.get_model("analysis", "ProductCategory"), ("name",), CATEGORIES)
    split_names(apps.get_model("analysis", "AbilityDimension"), ("name", "description"), DIMENSIONS)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0004_names_per_language")]
    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
