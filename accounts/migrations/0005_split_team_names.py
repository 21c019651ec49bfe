"""Teams get a name and an area per language; the demo's teams, named in Chinese with an
English area ("东城片区" · "East district"), get both in both."""

from django.db import migrations

from crm.migration_names import split_names

DEMO_TEAMS = {
    ("name", "东城片区"): ("East district", "东城片区"),
    ("name", "西城片区"): ("West district", "西城片区"),
    ("area", "East district"): ("Dongcheng", "东城区"),
    ("area", "West district"): ("Xicheng", "西城区"),
}


def split(apps, schema_editor):
    split_names(apps.get_model("accounts", "Team"), ("name", "area"), DEMO_TEAMS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_names_per_language")]
    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
