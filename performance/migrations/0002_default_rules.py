"""The default early warning rules (admins tune them in Django admin).

Long without a visit: overdue by a whole visit interval past the due date. Falling
activity: visits and contacts halved over 90 days against the 90 before. Repeated
complaints: two within 90 days. Low satisfaction: the latest survey under 60% satisfied
ratings within a year (or 20 points down from the one before). Became dormant or lost:
within 30 days.
"""

from django.db import migrations

RULES = [
    # code, threshold, window (days)
    ("overdue_visit", 100, 30),
    ("falling_activity", 50, 90),
    ("repeated_complaints", 2, 90),
    ("low_satisfaction", 60, 365),
    ("status_change", 0, 30),
]


def create(apps, schema_editor):
    WarningRule = apps.get_model("performance", "WarningRule")
    for code, threshold, window in RULES:
        WarningRule.objects.get_or_create(code=code, defaults={"threshold": threshold, "window_days": window})


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
