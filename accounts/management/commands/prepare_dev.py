"""`make run`'s first step: the port is free, the database exists, migrations are applied
and the demo data is current; each is skipped when there is nothing to do."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User
from crm.devstart import demo_stamp, port_problem


class Command(BaseCommand):
    help = "Before `make run`: check the port, create the database if missing, migrate and load the demo if needed."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CRM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CRM_PORT", "8000")))

    def handle(self, *args, host: str, port: int, **options):
        if problem := port_problem(host, port):
            raise CommandError(problem)
        self.ensure_database()
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        if executor.migration_plan(targets):
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        self.seed_if_stale(targets)

    def ensure_database(self) -> None:
        """PostgreSQL: create the database named in DATABASE_URL if it does not exist yet."""
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            name = settings.DATABASES["default"]["NAME"]
            if connection.vendor != "postgresql" or "does not exist" not in str(error):
                raise CommandError(f"Cannot open the database: {str(error).strip().splitlines()[-1]}") from None
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        except DatabaseError as error:  # e.g. the user may not create databases
            raise CommandError(
                f"The PostgreSQL database '{name}' does not exist and could not be created "
                f"({str(error).strip().splitlines()[-1]}): create it with `createdb {name}`."
            ) from None
        self.stdout.write(f"Created the PostgreSQL database '{name}'.")

    def seed_if_stale(self, migrations) -> None:
        """Load the demo unless it was loaded today into this database by the same code."""
        stamp_file = settings.VAR_DIR / "demo-stamp"
        if stamp_file.exists() and stamp_file.read_text().strip() == self.stamp(migrations):
            self.stdout.write("Demo data is current (`make seed` loads it again).")
            return
        call_command("seed_demo", stdout=self.stdout)
        stamp_file.write_text(self.stamp(migrations) + "\n")

    @staticmethod
    def stamp(migrations) -> str:
        db = settings.DATABASES["default"]
        admin = User.objects.filter(username="admin").values_list("date_joined", flat=True).first()
        return demo_stamp(
            database=f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}",
            migrations=[f"{app}.{name}" for app, name in migrations],
            created=str(admin),  # None until the demo is loaded: never equal to a stamp written after
            today=timezone.localdate().isoformat(),
        )
