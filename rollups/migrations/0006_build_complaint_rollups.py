"""Fill the complaint rollups from the complaints already kept (later writes keep them)."""

from django.db import migrations
from django.db.models import Q


def build(apps, schema_editor):
    from rollups.services import complaint_day_rows

    models = (apps.get_model("complaints", "Complaint"), apps.get_model("rollups", "ComplaintDay"))
    models[1].objects.all().delete()
    models[1].objects.bulk_create(complaint_day_rows(Q(), models=models), batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0005_complaint_day"),
        ("complaints", "0014_index_deadline_not_met"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
