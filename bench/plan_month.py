"""Speed benchmark: a manager with 1,000 clients plans a month, and the busiest pages.

Runs in a throw-away test database (never your data):

    .venv/bin/python bench/plan_month.py     # SQLite, or DATABASE_URL's server
    make bench

Prints each step's time and query count, writes bench/results/plan_month.json, and exits
non-zero when a step misses its target (targets are in TARGETS, in milliseconds).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client as WebClient  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
TARGETS = {  # milliseconds
    "start_plan": 3000,
    "approve_plan": 3000,
    "generate_visits": 2000,
    "client_list_page": 300,
    "client_search_page": 300,
    "client_detail_page": 300,
    "plan_page": 1500,
    "calendar_page": 300,
}


def measure(results: dict, name: str, function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = function()
        elapsed = (time.perf_counter() - started) * 1000
    results[name] = {"ms": round(elapsed, 1), "queries": len(queries), "target_ms": TARGETS[name]}
    return value


def analyze() -> None:
    """Fresh statistics, as a running PostgreSQL keeps them (autovacuum)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.tests.factories import ManagerFactory, SupervisorFactory
        from clients.models import Client, Contact, Tier
        from visits import rules, services

        supervisor = SupervisorFactory(username="bench_sup")
        manager = ManagerFactory(username="bench_mgr", team=supervisor.team, password="bench-pass-2026")  # noqa: S106
        tiers = list(Tier.objects.all())
        today = timezone.localdate()
        clients = [
            Client(
                code=f"B{i:06d}",
                name=f"Bench client {i:04d}",
                tier=tiers[i % len(tiers)],
                owner=manager,
                team=manager.team,
                visit_method="on_site",
                visit_frequency=["weekly", "twice_monthly", "monthly"][i % 3],
                last_visited_on=today - timedelta(days=i % 45),
                phone=f"0571-{i:08d}",
            )
            for i in range(CLIENTS)
        ]
        for c in clients:
            c.next_visit_due = (
                rules.next_month(today) if c.last_visited_on is None else c.last_visited_on + timedelta(days=20)
            )
        Client.objects.bulk_create(clients, batch_size=500)
        Contact.objects.bulk_create(
            [
                Contact(client=c, name=f"Contact {c.code}", is_key_person=True, decision_role="user")
                for c in Client.objects.all()
            ],
            batch_size=500,
        )
        month = rules.next_month(today)
        analyze()
        results: dict = {"clients": CLIENTS, "database": connection.vendor}
        plan = measure(results, "start_plan", lambda: services.start_plan(owner=manager, month=month, by=manager))
        services.submit_plan(plan, by=manager)
        measure(results, "approve_plan", lambda: services.approve_plan(plan, by=supervisor))
        created = measure(
            results,
            "generate_visits",
            lambda: services.generate_visits(owner=manager, start=month, end=rules.month_end(month), by=manager),
        )
        results["visits_generated"] = created
        analyze()  # as autovacuum would after a bulk load

        web = WebClient()
        web.force_login(manager)
        first = Client.objects.filter(owner=manager).first()
        pages = {
            "client_list_page": (reverse("clients:list"), {}),
            "client_search_page": (reverse("clients:list"), {"q": "Contact B0005"}),
            "client_detail_page": (reverse("clients:detail", args=[first.pk]), {}),
            "plan_page": (reverse("visits:plan", args=[plan.pk]), {}),
            "calendar_page": (reverse("visits:calendar"), {"month": f"{month:%Y-%m}"}),
        }
        for name, (url, params) in pages.items():
            web.get(url, params)  # warm up templates and caches
            response = measure(results, name, lambda url=url, params=params: web.get(url, params))
            assert response.status_code == 200, (name, response.status_code)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    failed = []
    print(f"{'step':<22}{'ms':>10}{'queries':>10}{'target':>10}")
    for name in TARGETS:
        row = results[name]
        mark = "" if row["ms"] <= row["target_ms"] else "  MISSED"
        if mark:
            failed.append(name)
        print(f"{name:<22}{row['ms']:>10}{row['queries']:>10}{row['target_ms']:>10}{mark}")
    print(f"{results['visits_generated']} visits generated for {CLIENTS} clients on {results['database']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan_month.json").write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
