"""The seeded "Product quality" category is a product-quality one (its children follow it,
Category.is_quality): its complaints may need someone on site (seed 001)."""

from django.db import migrations

PRODUCT_QUALITY = "产品质量 Product quality"


def mark(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Category.objects.filter(name=PRODUCT_QUALITY, parent__isnull=True).update(quality=True)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_on_site_deadline")]
    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
