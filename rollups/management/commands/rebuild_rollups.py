"""Rebuild the dashboards' rollups from the raw rows: ``--month 2026-11`` (repeatable),
``--all`` (every month with visits), or this month and the last by default."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollups import services
from visits.rules import month_start, previous_month


class Command(BaseCommand):
    help = "Recompute the dashboards' rollups of some months from the raw rows."

    def add_arguments(self, parser):
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM (repeatable).")
        parser.add_argument("--all", action="store_true", help="Every month that has visit facts.")

    def handle(self, *args, month, all, **options):
        if all:
            months = services.months_with_facts()
        elif month:
            try:
                months = [datetime.strptime(text, "%Y-%m").date() for text in month]
            except ValueError as error:
                raise CommandError(f"--month takes YYYY-MM: {error}") from error
        else:
            this = month_start(timezone.localdate())
            months = [previous_month(this), this]
        for each in months:
            rows = services.rebuild_month(each)
            self.stdout.write(f"{each:%Y-%m}: {rows} rows")
