"""The tiers' and VIP cards' names, seeded in both languages at once ("VIP 金卡 Gold"),
become a name per language."""

from django.db import migrations

from crm.migration_names import split_names

TIERS = {
    ("name", "VIP 钻石 Diamond"): ("VIP Diamond", "VIP 钻石"),
    ("name", "VIP 金卡 Gold"): ("VIP Gold", "VIP 金卡"),
    ("name", "VIP 银卡 Silver"): ("VIP Silver", "VIP 银卡"),
}


def split(apps, schema_editor):
    split_names(apps.get_model("clients", "Tier"), ("name",), TIERS)
    split_names(apps.get_model("clients", "VipCard"), ("name", "greeted_by"))


class Migration(migrations.Migration):
    dependencies = [("clients", "0010_names_per_language")]
    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
