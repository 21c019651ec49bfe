"""Fast inserts for generated rows: COPY on PostgreSQL, executemany elsewhere.

Rows are dictionaries keyed by field name; fields a row leaves out take the field's
default. Primary keys are given by the caller (so foreign keys need no read-back), and
the sequences are moved past them at the end (`reset_sequences`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone


class TableWriter:
    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        # auto_now(_add) fields have no default of their own: a row that leaves one out
        # gets the time of the load, as a save would.
        now = timezone.now()
        self.defaults = [
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in self.fields
        ]
        self.count = 0

    def _tuples(self, rows: Iterable[dict]):
        names, defaults = self.names, self.defaults
        for row in rows:
            self.count += 1
            yield tuple(row.get(name, default) for name, default in zip(names, defaults, strict=True))

    def write(self, rows: Iterable[dict]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        before = self.count
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in self._tuples(rows):
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                prepare = [
                    (lambda value, field=field: field.get_db_prep_save(value, connection)) for field in self.fields
                ]
                batch = []
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                for values in self._tuples(rows):
                    batch.append([p(v) for p, v in zip(prepare, values, strict=True)])
                    if len(batch) >= 2000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        return self.count - before


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def write_columns(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
    """Rows of database-ready values (ints, floats, ISO date strings) for the named columns
    only: no per-row dictionary, for the tables of millions of rows (the others take NULL).
    COPY on PostgreSQL, executemany elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = [model._meta.get_field(name).column for name in columns]
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"
            batch = []
            for values in rows:
                batch.append(values)
                count += 1
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    return count
