"""Fill the business figure rollups from the figures already kept (later writes keep them)."""

from django.db import migrations
from django.db.models import Q


def build(apps, schema_editor):
    from rollups.services import figure_month_rows

    models = (apps.get_model("analysis", "BusinessFigure"), apps.get_model("rollups", "FigureMonth"))
    models[1].objects.all().delete()
    models[1].objects.bulk_create(figure_month_rows(Q(), models=models), batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0011_figure_month"),
        ("analysis", "0005_split_category_and_dimension_names"),
        ("clients", "0014_short_search_indexes"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
