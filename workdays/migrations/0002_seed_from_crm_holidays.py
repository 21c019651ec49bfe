"""CRM_HOLIDAYS (a settings list of holidays, the calendar before this app) seeds the
table once, so a deployment that had set it loses no holiday; from here on the
calendar is edited in the admin and the setting is read by nothing else."""

from datetime import date

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    for text in getattr(settings, "CRM_HOLIDAYS", []):
        try:
            day = date.fromisoformat(text.strip())
        except ValueError as error:
            raise ValueError(f"CRM_HOLIDAYS: {text!r} is not a YYYY-MM-DD date.") from error
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": "CRM_HOLIDAYS"})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_working_day_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
