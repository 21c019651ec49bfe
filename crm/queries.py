"""Query helpers the apps' selectors share."""

from __future__ import annotations

import json
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, models
from django.db.models import Aggregate, F, QuerySet, TextField, Value
from django.db.models.functions import Cast

log = logging.getLogger(__name__)


def count_each(**querysets: QuerySet) -> dict[str, int]:
    """Several counts in one round trip: ``SELECT (SELECT COUNT(*) FROM (…)), …``.

    A page that shows many small counters (the home pages) pays one query instead of one
    per counter. Each queryset is counted as it is: pass ``qs.values("x").distinct()`` to
    count distinct values. All of them must read the same database.
    """
    databases = {queryset.db for queryset in querysets.values()}
    if len(databases) > 1:
        raise ValueError("count_each() counts querysets of one database at a time")
    parts, params = [], []
    for queryset in querysets.values():
        if queryset._fields is None:  # a plain queryset: its primary keys are enough to count
            queryset = queryset.values("pk")
        try:
            sql, sql_params = queryset.order_by().query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:  # e.g. .none() or filter(pk__in=[])
            parts.append("0")
            continue
        # Django compiled ``sql`` and keeps its values apart in ``sql_params``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
        params.extend(sql_params)
    if not parts:
        return {}
    with connections[databases.pop()].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}


def vacuum_analyze(*rewritten: type[models.Model]) -> None:
    """Reclaim the old row versions and refresh the statistics of tables a job has just
    rewritten (PostgreSQL; outside a transaction only, where VACUUM can run).

    Until autovacuum comes round, the pages read the rewritten rows through dead versions:
    index-only scans visit the table again and the planner counts twice the rows.
    """
    connection = connections["default"]
    # No tables would vacuum the whole database; inside a transaction VACUUM cannot run.
    if not rewritten or connection.vendor != "postgresql" or not connection.get_autocommit():
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in rewritten)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
    except DatabaseError:
        # The job's work is committed; tidying is autovacuum's job too, in time.
        log.warning("VACUUM (ANALYZE) %s failed", tables, exc_info=True)


class GroupConcat(Aggregate):
    """A group's texts joined by ``separator``: ``STRING_AGG`` on PostgreSQL,
    ``GROUP_CONCAT`` on SQLite (Django 5.2 has no portable string aggregate)."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, expression, separator: str = "; ", **extra):
        super().__init__(expression, Value(separator), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra_context)


# --- rows of several tables in one UNION, and people as plain columns ------------------------
# Each part of a ``UNION ALL`` annotates the same columns in the same order; a person is four
# columns (pk, username, first and last name), turned back into a user to show the name.


def typed_null(field: models.Field) -> Cast:
    """NULL of a type: PostgreSQL matches a UNION's columns by type, and a bare NULL is text."""
    return Cast(Value(None), output_field=field)


def person_columns(prefix: str, field: str | None) -> dict:
    """``{prefix}_pk``, ``_username``, ``_first``, ``_last`` of the user in ``field`` (or NULLs)."""
    if field is None:
        return {
            f"{prefix}_pk": typed_null(models.BigIntegerField()),
            **{f"{prefix}_{name}": typed_null(models.CharField()) for name in ("username", "first", "last")},
        }
    return {
        f"{prefix}_pk": F(f"{field}_id"),
        f"{prefix}_username": F(f"{field}__username"),
        f"{prefix}_first": F(f"{field}__first_name"),
        f"{prefix}_last": F(f"{field}__last_name"),
    }


def person(row: dict, prefix: str):
    """The user of ``person_columns`` (enough to show their name), or None."""
    User = get_user_model()
    if row[f"{prefix}_pk"] is None:
        return None
    return User(
        pk=row[f"{prefix}_pk"],
        username=row[f"{prefix}_username"],
        first_name=row[f"{prefix}_first"],
        last_name=row[f"{prefix}_last"],
    )


class JsonRows:
    """Many rows sent as one parameter: a JSON array of arrays, read as a set of rows by the
    database (PostgreSQL ``jsonb_array_elements``, SQLite ``json_each``), so that a write of
    any number of rows is one statement. ``source`` goes after FROM (its parameter: the
    ``dumps`` of the rows), then ``where`` (SQLite reads an ``ON CONFLICT`` after a bare
    SELECT as a join: a ``WHERE true`` tells them apart); each row's items are read with
    ``text(i)`` (as text, or SQLite's own value), ``cast(i, type)`` and ``json(i)`` (a JSON
    value as it is). The early warning's writes and the business effect's upsert use it."""

    def __init__(self, connection, alias: str = "e"):
        self.postgres = connection.vendor == "postgresql"
        self.alias = alias
        if self.postgres:
            self.source, self.where = f"jsonb_array_elements(%s::jsonb) AS {alias}", ""
        else:
            self.source, self.where = f"json_each(%s) AS {alias}", " WHERE true"

    def text(self, index: int) -> str:
        return f"{self.alias}->>{index}" if self.postgres else f"json_extract({self.alias}.value, '$[{index}]')"

    def cast(self, index: int, db_type: str) -> str:
        return f"({self.text(index)})::{db_type}" if self.postgres else self.text(index)

    def json(self, index: int) -> str:
        return f"{self.alias}->{index}" if self.postgres else self.text(index)

    @staticmethod
    def dumps(rows) -> str:
        return json.dumps(rows, separators=(",", ":"))
