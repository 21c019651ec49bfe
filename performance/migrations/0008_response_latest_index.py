"""An index of survey responses in each client's latest-first order with their figures
(issue #31): the early warning's "low satisfaction" pairs every client's latest survey with
the one before from it alone, in its order (no sort, no reading of the responses).

The index is on the surveys' table but serves this app's job; PostgreSQL only (an index-only
scan needs its visibility map), nothing on SQLite. The models' state is untouched."""

from django.db import migrations

NAME = "response_client_latest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "surveys_response" '
        '("client_id", "submitted_at" DESC, "id" DESC) INCLUDE ("ratings", "satisfied_ratings")'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("performance", "0007_client_latest_flagged_at"), ("surveys", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
