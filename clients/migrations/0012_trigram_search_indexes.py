"""Trigram indexes for the client search (issue #31): a search by a few letters of a
client's name, code or phone, or a contact's name or phones, reads an index instead of
scanning every client and contact.

The search uses ``icontains``, which PostgreSQL runs as ``UPPER(col::text) LIKE UPPER('%…%')``:
the indexes are on that very expression, so the planner can use them. PostgreSQL only
(``pg_trgm``); on SQLite nothing is created and the search scans as before. The models'
state is untouched: these indexes live in the database only."""

from django.db import migrations

INDEXES = [
    ("clients_client_name_trgm", "clients_client", "name"),
    ("clients_client_code_trgm", "clients_client", "code"),
    ("clients_client_phone_trgm", "clients_client", "phone"),
    ("clients_contact_name_trgm", "clients_contact", "name"),
    ("clients_contact_mobile_trgm", "clients_contact", "mobile"),
    ("clients_contact_office_phone_trgm", "clients_contact", "office_phone"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("clients", "0011_split_tier_and_card_names")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
