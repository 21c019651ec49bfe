"""``manage.py import_figures <file>...``: import business figures from a file drop (the
same checks and replace rule as the upload; all or nothing per file)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from analysis import figures
from analysis.models import FigureImport
from clients.imports import ImportFileError


class Command(BaseCommand):
    help = "Import business figures (CSV in UTF-8 or GB18030, or .xlsx); each file all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--user", help="Username recorded as the importer (default: none, the system).")
        parser.add_argument("--check", action="store_true", help="Check the files only; import nothing.")

    def handle(self, *args, files, user=None, check=False, **options):
        by = None
        if user:
            by = User.objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user {user!r}.")
        failed = 0
        for path in files:
            try:
                figure_file = figures.read_file(path.name, path.read_bytes())
                report = figures.import_figures(
                    rows=figure_file.rows, by=by, source=FigureImport.Source.UPLOAD, file_name=path.name,
                    dry_run=check,
                )  # fmt: skip
            except (OSError, ImportFileError) as error:
                failed += 1
                self.stderr.write(f"{path}: {error}")
                continue
            if not report.ok:
                failed += 1
                self.stderr.write(f"{path}: nothing imported, {report.error_lines} rows with errors:")
                for error in report.errors[:50]:
                    self.stderr.write(f"  line {error.line}, {error.column or '-'}: {error.value!r}: {error.message}")
                continue
            done = "checked" if check else "imported"
            self.stdout.write(
                f"{path}: {done} {report.total} rows, {report.clients} clients, months {', '.join(report.months)}; "
                f"{report.replaced} earlier rows replaced."
            )
        if failed:
            raise CommandError(f"{failed} of {len(files)} files not imported.")
