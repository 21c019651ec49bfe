"""An index of visit logs by date with their client (issue #31): the early warning's "falling
activity" counts every client's visits of the last two windows (half a million rows at
100,000 clients) from it alone, instead of reading the visit logs themselves.

The index is on the visits' table but serves this app's job; PostgreSQL only (an index-only
scan needs its visibility map), nothing on SQLite. The models' state is untouched."""

from django.db import migrations

NAME = "visit_log_date_client"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "visits_visitlog" ("date", "client_id")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("performance", "0005_scorecard_spot_checks_weight"), ("visits", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
