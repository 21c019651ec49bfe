"""Fill the survey rollups from the answers already kept (later writes keep them)."""

from django.db import migrations
from django.db.models import Q


def build(apps, schema_editor):
    from rollups.services import survey_month_rows

    models = (apps.get_model("surveys", "Response"), apps.get_model("rollups", "SurveyMonth"))
    models[1].objects.all().delete()
    models[1].objects.bulk_create(survey_month_rows(Q(), models=models), batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0003_survey_month"),
        ("surveys", "0004_alter_historicalfollowup_history_change_reason_and_more"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
