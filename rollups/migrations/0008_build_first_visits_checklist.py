"""Recompute the visit rollups with their new counts (first visits of active clients, checklist
items not done) from the visits, tasks, logs and checklist answers already kept."""

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
    dependencies = [("rollups", "0007_visit_day_first_visits_checklist"), ("visits", "0014_default_visit_types")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
