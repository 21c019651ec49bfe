"""Fill the coverage rollups from the approved plans and visit logs already kept."""

from django.db import migrations
from django.db.models import Q

from visits.rules import month_end


def build(apps, schema_editor):
    from rollups.services import plan_coverage_rows

    models = tuple(apps.get_model(label) for label in ("visits.PlanLine", "visits.VisitLog", "rollups.PlanCoverage"))
    models[-1].objects.all().delete()
    months = models[0].objects.order_by().values_list("plan__month", flat=True).distinct()
    for month in sorted(set(months)):
        rows = plan_coverage_rows(Q(plan__month=month), Q(date__range=(month, month_end(month))), models=models)
        models[-1].objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0009_plan_coverage"), ("visits", "0014_default_visit_types")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
