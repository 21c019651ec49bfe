from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from datagen.generator import SCALES, generate


class Command(BaseCommand):
    help = (
        "Fill the database with a large realistic dataset for benchmarks (small: about 1,000 clients; "
        "large: 200 managers, 100,000 clients, 2,000,000 visit logs). Logins gen_admin, gen_sup01…, gen_mgr001…"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on real data).")

    def handle(self, *args, scale: str, seed: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to generate data with DEBUG off; pass --force if you mean it.")
        self.stdout.write(f"Generating the {scale} dataset on {connection.vendor}…")
        try:
            counts = generate(scale, seed=seed, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Done in {counts['seconds']} s."))
