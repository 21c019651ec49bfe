"""The complaint categories, seeded in both languages at once ("产品质量 Product quality"),
get a name per language."""

from django.db import migrations

from crm.migration_names import split_names


def split(apps, schema_editor):
    split_names(apps.get_model("complaints", "Category"), ("name",))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_names_per_language")]
    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
