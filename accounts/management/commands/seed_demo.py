from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.demo import DEMO_PASSWORD, seed_people
from analysis.demo import seed_analysis
from clients.demo import seed_clients
from complaints.demo import seed_complaints
from interactions.demo import seed_interactions
from performance.warnings import evaluate
from surveys.demo import seed_surveys
from visits.demo import seed_plans
from workdays.demo import seed_calendar


class Command(BaseCommand):
    help = "Load demo users, teams and data. Safe to run again: it updates what is there."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real deployment)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DEBUG off; pass --force if you mean it.")
        # The demo organisation works in Chinese: texts the system writes into the data
        # (proposed service strategies, reasons, events) are written in Chinese too.
        with translation.override("zh-hans"):
            # First: the plans' visits are generated on the calendar's working days.
            holidays = seed_calendar()
            logins = seed_people()
            clients = seed_clients()
            figures = seed_analysis()
            complaints = seed_complaints()
            visits = seed_plans()
            surveys = seed_surveys()
            interactions = seed_interactions()
            # Flag the demo's at-risk clients now rather than at tomorrow's 06:50 run.
            flagged = evaluate()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded ({clients} new clients, {complaints} new complaints, {visits} new planned visits, "
                f"{surveys} new survey answers, {interactions} new calls and messages, "
                f"{figures} new business figure rows, {holidays} new calendar days; "
                f"{flagged['flagged']} clients flagged at risk)."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, names in logins.items():
            self.stdout.write(f"  {role:<11} {', '.join(names)}")
