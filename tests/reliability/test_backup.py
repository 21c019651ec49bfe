"""The documented backup and restore (docs/operations.md, "Backups"): pg_dump of a database with the
demo data, pg_restore into an empty database, and every table has the same rows."""

import os
import subprocess

import pytest

from tests.reliability.services import ON_POSTGRES, manage, project_env, server_url, sql

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL): run by .ci/run")


def table_counts(dsn: str) -> dict[str, int]:
    tables = [name for (name,) in sql(dsn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {table: sql(dsn, f'SELECT count(*) FROM "{table}"')[0][0] for table in sorted(tables)}  # noqa: S608 (names from pg_tables)


def test_a_dump_restores_into_an_empty_database_with_the_same_rows(tmp_path):
    source, target = f"crm_backup_src_{os.getpid()}", f"crm_backup_dst_{os.getpid()}"
    admin = server_url("postgres")
    for name in (source, target):
        sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        sql(admin, f'CREATE DATABASE "{name}"')
    try:
        env = project_env(tmp_path, DATABASE_URL=server_url(source))
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force")
        dump = tmp_path / "crm.dump"
        # The documented commands, word for word apart from the names.
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", server_url(source)], check=True, timeout=120)
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={server_url(target)}", str(dump)], check=True, timeout=120
        )
        before, after = table_counts(server_url(source)), table_counts(server_url(target))
        assert after == before
        assert sum(before.values()) > 500 and before["clients_client"] > 0 and before["django_migrations"] > 0
        print(f"backup: {len(before)} tables, {sum(before.values())} rows restored identically")
    finally:
        for name in (source, target):
            sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
