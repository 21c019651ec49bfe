"""Indexes for searches of one or two characters (issue #31): a contact's name is usually two
or three Chinese characters (程涛), and a trigram index cannot serve a search of fewer than
three, so such a search scanned all 300,000 contacts and 100,000 clients.

``crm_search_grams(text)`` returns every one- and two-character piece of the upper-cased
text; a name contains a search of one or two characters exactly when its pieces contain the
search's pieces, which a GIN index on the function answers. ``clients.selectors.search_clients``
asks it for short searches (of names only). PostgreSQL only; on SQLite nothing is created and
the search scans as before. The models' state is untouched: these live in the database only."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION crm_search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper(value), position, size)), '{}')
    FROM generate_series(1, char_length(value)) AS position, (VALUES (1), (2)) AS sizes (size)
    WHERE position + size - 1 <= char_length(value)
$$
"""

INDEXES = [
    ("clients_client_name_grams", "clients_client", "name"),
    ("clients_contact_name_grams", "clients_contact", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (crm_search_grams("{column}"))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS crm_search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("clients", "0013_index_for_the_list_order")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
