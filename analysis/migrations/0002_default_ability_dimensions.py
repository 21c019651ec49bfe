"""The business-ability dimensions of the seed (经营能力), scored 1–5; admins may edit them."""

from django.db import migrations

DIMENSIONS = [
    ("地段与形象 Location and image", "Where the shop is, how it looks from the street"),
    ("经营管理 Management", "Stock, records, staff"),
    ("诚信与回款 Credit and payment", "Pays on time, keeps its word"),
    ("合作意愿 Cooperation", "Takes part in activities, follows advice"),
    ("陈列 Display", "Products shown well, key brands visible"),
]


def create(apps, schema_editor):
    AbilityDimension = apps.get_model("analysis", "AbilityDimension")
    for position, (name, description) in enumerate(DIMENSIONS, start=1):
        AbilityDimension.objects.get_or_create(name=name, defaults={"description": description, "position": position})


def remove(apps, schema_editor):
    apps.get_model("analysis", "AbilityDimension").objects.filter(
        name__in=[name for name, _ in DIMENSIONS], scores__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
