"""Fill the rollups from the visits, tasks and logs already kept (later writes keep them)."""

from django.db import migrations
from django.db.models import Q


def build(apps, schema_editor):
    from rollups.services import visit_day_rows

    models = tuple(
        apps.get_model(label) for label in ("visits.PlannedVisit", "visits.TemporaryTask", "visits.VisitLog")
    ) + (apps.get_model("rollups.VisitDay"),)
    rollup = models[-1]
    rollup.objects.all().delete()
    rollup.objects.bulk_create(visit_day_rows(Q(), models=models), batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0001_visit_day"), ("visits", "0012_check_in_position_quality_and_sent_later")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
