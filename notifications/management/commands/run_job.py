from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from notifications.jobs import JOBS, run_job


class Command(BaseCommand):
    help = "Run a scheduled job once by hand (the run is recorded like the beat's). --list shows the jobs."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="job names, e.g. clients.overdue; 'all' runs every job")
        parser.add_argument("--list", action="store_true", dest="show_list", help="list the jobs")
        parser.add_argument("--at", help="pretend it is this time (ISO 8601, e.g. 2026-11-27T07:30+08:00)")

    def handle(self, *args, names, show_list: bool, at: str | None, **options):
        if show_list or not names:
            for name in sorted(JOBS):
                self.stdout.write(name)
            return
        if names == ["all"]:
            names = sorted(JOBS)
        unknown = [name for name in names if name not in JOBS]
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(unknown)}; see --list")
        now = None
        if at:
            now = parse_datetime(at)
            if now is None or now.tzinfo is None:
                raise CommandError("--at needs a date and time with a zone, e.g. 2026-11-27T07:30+08:00")
        failed = False
        for name in names:
            try:
                run = run_job(name, now=now, trigger="command")
            except Exception as error:  # noqa: BLE001 (recorded on the run; report and go on)
                failed = True
                self.stderr.write(self.style.ERROR(f"{name}: failed: {error}"))
                continue
            style = self.style.SUCCESS if run.ok else self.style.WARNING
            self.stdout.write(style(f"{name}: {run.counts}" + (f" errors: {run.errors}" if run.errors else "")))
        if failed:
            raise CommandError("some jobs failed; see the job runs in admin")
