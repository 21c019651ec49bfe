"""Speed benchmark of the key pages, on a generated dataset (`manage.py generate_data`).

    .venv/bin/python bench/run.py                    # throw-away database, small dataset
    .venv/bin/python bench/run.py --scale large      # throw-away database, 100,000 clients
    .venv/bin/python bench/run.py --existing         # the database DATABASE_URL names, as it is
    .venv/bin/python bench/run.py --load 30          # … then 30 s of load through gunicorn + locust

For each page it makes ``--requests`` requests (50 by default) as the busiest manager
(gen_mgr001), that manager's supervisor or the admin, and reports the server time
(p50, p95: Django's full request/response cycle in this process) and the number of
queries. It prints a table and writes bench/results/<scale>.json.

Exit status: 1 when a page answers with an error or uses more queries than its budget
(bench/budget.json), which is what CI checks at the small scale. Missed time targets are
shown as MISSED and only fail the run with --strict: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
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

from bench.loadtest import MIXES, run_load  # noqa: E402

BUDGET_FILE = ROOT / "bench" / "budget.json"
MANAGER_MS = 100  # a manager's pages, p95
DASHBOARD_MS = 250  # team and company-wide dashboards, p95
SEARCH_MS = 100
CLIENT_FILE_MS = 60  # issue #31
COMPANY_LIST_MS = 100  # a list over the whole company (admin), p95 (issue #31)
COMPANY_SEARCH_MS = 120  # a search over the whole company (admin), p95 (issue #31)
SEARCH_ADMIN_MS = COMPANY_SEARCH_MS  # the navigation's search box over every client (issue #32)
ANALYSIS_MS = 250  # the month's analysis pages (issue #27), p95
LOAD_RPS = 60  # the manager mix under load, once signed in (large dataset, this 2-core machine)


def pages(users: dict) -> list[dict]:
    """What is measured: (name, who, method, url, data, target)."""
    from django.db.models import Count

    from clients.models import Client, Contact
    from visits.models import VisitLog

    manager = users["manager"]
    today = timezone.localdate()
    busiest = Client.objects.filter(owner=manager).annotate(n=Count("visit_logs")).order_by("-n", "pk").first()
    contact = Contact.objects.filter(client__owner=manager).order_by("pk")[10]
    named = Client.objects.filter(owner=manager).order_by("pk")[5]
    word = named.name[2:6]  # a word inside the name, e.g. 鼎盛科技
    # Dashboards show last month: a whole month of data (this month may be a day old).
    month = f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"
    # The visits the bench saves are yesterday's (logged the morning after, as field managers
    # often do): saved for today, each run would add a hundred rows to the next run's
    # "visit sheet today" (visit logs are never deleted).
    logged_on = f"{today - timedelta(days=1):%Y-%m-%d}"

    # A routine visit with its whole checklist ticked (the default types ask every visit for
    # one; the busiest client may be a key client, whose type also asks for a photo).
    from visits.models import VisitType

    routine = VisitType.objects.filter(code="routine", is_active=True).first()
    checklist = {}
    if routine is not None:
        checklist = {"visit_type": routine.pk}
        items = routine.checklist_items.filter(is_active=True).values_list("pk", flat=True)
        checklist.update({f"check_{pk}": "on" for pk in items})

    # The visits the bench saves go to sixty-four of the manager's clients in turn: all to the
    # busiest client, each run added some sixty logs to its one day, and the next run's
    # refreshes of that client's first visits and coverage grew with them (visit logs are
    # never deleted), a day no manager has.
    active = Client.objects.filter(owner=manager, status=Client.Status.ACTIVE).order_by("pk")
    rotation = list(active.values_list("pk", flat=True)[:64])

    def log_url(n: int) -> str:
        return f"{reverse('visits:log')}?client={rotation[n % len(rotation)]}"

    def log_visit(n: int) -> dict:
        return {
            "submission": f"bench-{secrets.token_hex(8)}",
            "date": logged_on,
            "method": "on_site",
            "work_done": "基准测试拜访",
            **checklist,
        }

    def api_log(n: int) -> dict:
        return {
            "client": rotation[n % len(rotation)],
            "date": logged_on,
            "method": "on_site",
            "work_done": "基准测试拜访（API）",
            "checked_in_at": (timezone.now() - timedelta(days=1)).isoformat(),
            **checklist,
        }

    def log_call(n: int) -> dict:
        return {
            "submission": f"bench-call-{secrets.token_hex(8)}",
            "channel": "phone",
            "direction": "in",
            "occurred_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}",
            "summary": "基准测试来电",
            "is_request": "on",
        }

    rows = [
        ("manager home", "manager", "get", reverse("home:start"), {}, MANAGER_MS),
        ("client list", "manager", "get", reverse("clients:list"), {}, MANAGER_MS),
        (
            "client list filtered",
            "manager",
            "get",
            reverse("clients:list"),
            {"overdue": "true", "sort": "-next_visit_due"},
            MANAGER_MS,
        ),
        ("client search name", "manager", "get", reverse("clients:list"), {"q": word}, SEARCH_MS),
        ("client search phone", "manager", "get", reverse("clients:list"), {"q": named.phone[-6:]}, SEARCH_MS),
        ("client search contact", "manager", "get", reverse("clients:list"), {"q": contact.name}, SEARCH_MS),
        ("client file", "manager", "get", reverse("clients:detail", args=[busiest.pk]), {}, CLIENT_FILE_MS),
        # The navigation's search box (issue #32): a word of a name, then the end of a phone.
        ("search box", "manager", "get", reverse("home:search"), {"q": word}, SEARCH_MS),
        ("search box phone", "manager", "get", reverse("home:search"), {"q": named.phone[-6:]}, SEARCH_MS),
        ("admin search box", "admin", "get", reverse("home:search"), {"q": word}, SEARCH_ADMIN_MS),
        ("admin search box phone", "admin", "get", reverse("home:search"), {"q": named.phone[-6:]}, SEARCH_ADMIN_MS),
        ("visit sheet today", "manager", "get", reverse("visits:sheet"), {}, MANAGER_MS),
        # The visit forms' client search box (issue #31): a word of a name, two characters.
        ("client picker", "manager", "get", reverse("clients:pick"), {"q": word}, SEARCH_MS),
        ("client picker short", "manager", "get", reverse("clients:pick"), {"q": busiest.name[:2]}, SEARCH_MS),
        ("visit log save", "manager", "post", log_url, log_visit, MANAGER_MS),
        ("complaint list", "manager", "get", reverse("complaints:list"), {}, MANAGER_MS),
        ("supervisor client list", "supervisor", "get", reverse("clients:list"), {}, MANAGER_MS),
        ("supervisor complaint list", "supervisor", "get", reverse("complaints:list"), {}, MANAGER_MS),
        ("follow-ups", "manager", "get", reverse("interactions:follow_ups"), {}, MANAGER_MS),
        ("client requests", "manager", "get", reverse("interactions:requests"), {"show": "all"}, MANAGER_MS),
        ("call log save", "manager", "post", reverse("interactions:log", args=[busiest.pk]), log_call, MANAGER_MS),
        (
            "supervisor late requests",
            "supervisor",
            "get",
            reverse("interactions:requests"),
            {"show": "late"},
            MANAGER_MS,
        ),
        ("supervisor at-risk clients", "supervisor", "get", reverse("performance:at_risk"), {}, MANAGER_MS),
        ("api client list", "manager", "get", "/api/v1/clients/", {"status": "active"}, MANAGER_MS),
        ("api visit log save", "manager", "post", "/api/v1/visit-logs/", api_log, MANAGER_MS),
        ("supervisor scorecard", "supervisor", "get", reverse("performance:scorecard"), {"month": month}, DASHBOARD_MS),
    ]
    # Company-wide scope (issue #31): the admin's lists and searches read all 100,000 clients.
    far = Client.objects.exclude(owner=manager).order_by("pk")[50]  # a client outside gen_mgr001's book
    far_contact = Contact.objects.filter(client=far).order_by("pk").first() or contact
    lists, done = reverse("clients:list"), {"show": "done"}
    rows += [
        ("admin client list", "admin", "get", lists, {}, COMPANY_LIST_MS),
        ("admin client search name", "admin", "get", lists, {"q": far.name[2:6]}, COMPANY_SEARCH_MS),
        ("admin client search code", "admin", "get", lists, {"q": far.code}, COMPANY_SEARCH_MS),
        ("admin client search phone", "admin", "get", lists, {"q": far.phone[-6:]}, COMPANY_SEARCH_MS),
        ("admin client search contact", "admin", "get", lists, {"q": far_contact.name}, COMPANY_SEARCH_MS),
        ("admin client file", "admin", "get", reverse("clients:detail", args=[far.pk]), {}, CLIENT_FILE_MS),
        ("admin complaint list", "admin", "get", reverse("complaints:list"), {}, COMPANY_LIST_MS),
        ("admin client requests", "admin", "get", reverse("interactions:requests"), {"show": "all"}, COMPANY_LIST_MS),
        ("admin follow-ups done", "admin", "get", reverse("interactions:follow_ups"), done, COMPANY_LIST_MS),
        ("admin at-risk clients", "admin", "get", reverse("performance:at_risk"), {}, COMPANY_LIST_MS),
        ("api admin client list", "admin", "get", "/api/v1/clients/", {}, COMPANY_LIST_MS),
        ("api admin client search", "admin", "get", "/api/v1/clients/", {"q": far.name[2:6]}, COMPANY_SEARCH_MS),
    ]
    # The analysis of the month being planned (this month: the figures analysed are last
    # month's, which generate_data writes with targets and target clients).
    planned = {"month": f"{today:%Y-%m}"}
    query, brand_url, market_url = f"month={today:%Y-%m}", reverse("analysis:brand"), reverse("analysis:market")
    rows += [
        ("analysis overview", "manager", "get", reverse("analysis:overview"), planned, ANALYSIS_MS),
        ("analysis demand", "manager", "get", reverse("analysis:demand"), planned, ANALYSIS_MS),
        ("analysis business effect", "manager", "get", reverse("analysis:effect"), planned, ANALYSIS_MS),
        ("analysis brand targets", "manager", "get", reverse("analysis:brand_targets"), planned, ANALYSIS_MS),
        ("analysis brand", "manager", "get", reverse("analysis:brand"), planned, ANALYSIS_MS),
        ("analysis market", "manager", "get", reverse("analysis:market"), planned, ANALYSIS_MS),
        ("analysis brand compute", "manager", "post", f"{brand_url}?{query}", {"analyse": "1"}, ANALYSIS_MS),
        ("analysis market compute", "manager", "post", f"{market_url}?{query}", {"analyse": "1"}, ANALYSIS_MS),
        ("analysis effect compute", "manager", "post", reverse("analysis:effect_compute"), planned, ANALYSIS_MS),
        ("supervisor team analysis", "supervisor", "get", reverse("analysis:team"), planned, ANALYSIS_MS),
    ]
    for who in ("supervisor", "admin"):
        for board in ("visits", "complaints", "satisfaction", "business"):
            url = reverse(f"dashboards:{board}")
            # As served (figures kept for a few minutes per viewer), and computed on every request.
            rows.append((f"{who} dashboard {board}", who, "get", url, {"month": month}, DASHBOARD_MS))
            rows.append((f"{who} dashboard {board} (refresh)", who, "get", url, {"month": month, "refresh": "1"},
                         DASHBOARD_MS))  # fmt: skip
    assert VisitLog.objects.filter(client=busiest).exists(), "the dataset has no visit logs: run generate_data"
    return [dict(zip(("name", "who", "method", "url", "data", "target_ms"), row, strict=True)) for row in rows]


def measure(users: dict, requests: int, only: str = "", show_queries: bool = False) -> list[dict]:
    from django.conf import settings

    from crm.numbers import percentile

    # "(refresh)" measures the figures computed on every request: no minute's grace.
    settings.CRM_DASHBOARD_REFRESH_SECONDS = 0
    clients = {who: WebClient() for who in users}
    results = []
    for page in pages(users):
        if only not in page["name"]:
            continue
        web = clients[page["who"]]
        # A fresh session for each page: the cached copy of a session lives five minutes
        # (crm/sessions.py), and its refill from the database would count as a query.
        web.force_login(users[page["who"]])
        call = getattr(web, page["method"])
        data = page["data"]
        # The machine's speed just before this page (a shared machine's varies by the minute).
        cpu_ms = round(cpu_reference(1_000_000) * 1000)
        times, counts, statuses = [], set(), set()
        for n in range(requests + 2):  # two warm-up requests (templates, caches) not counted
            payload = data(n) if callable(data) else data
            url = page["url"](n) if callable(page["url"]) else page["url"]
            connection.queries_log.clear()  # it keeps 9,000 queries; a full log miscounts
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = call(url, payload)
                elapsed = (time.perf_counter() - started) * 1000
            if n >= 2:
                times.append(elapsed)
                counts.add(len(queries))
                statuses.add(response.status_code)
        if show_queries:
            print(f"\n## {page['name']}: {len(queries)} queries")
            for number, query in enumerate(queries.captured_queries, 1):
                print(f"{number:3} {query['sql'][:300]}")
        expected = 200 if page["method"] == "get" else 201 if url.startswith("/api/") else 302
        results.append(
            {
                "page": page["name"],
                "as": page["who"],
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "queries": max(counts),
                "queries_min": min(counts),
                "target_ms": page["target_ms"],
                "cpu_ms": cpu_ms,
                "errors": sum(1 for s in statuses if s != expected),
                "statuses": sorted(statuses),
            }
        )
    return results


def jobs() -> list[dict]:
    """Every scheduled job over the whole dataset (target: 5 s each), the heavy sweeps first.
    Their e-mails go to Django's test outbox (``setup_test_environment``); the tasks they
    queue go to the configured broker, as the beat's runs do."""
    from notifications.jobs import JOBS, run_job

    out = []
    names = ["complaints.escalate_breached", "complaints.deadlines_soon", "clients.overdue"]
    names += ["interactions.requests_late", "performance.early_warning"]
    names += sorted(set(JOBS) - set(names))
    for name in names:
        started = time.perf_counter()
        run = run_job(name, trigger="bench")
        seconds = round(time.perf_counter() - started, 2)
        out.append({"job": name, "seconds": seconds, "target_s": 5, "counts": run.counts, "errors": run.errors})
    out.append(route_order())
    out.append(figure_import())
    return out


def route_order(stops: int = 30, runs: int = 50) -> dict:
    """A day of 30 stops (two with an appointment) put in the shortest order (visits/routes.py,
    issue #30: at most 50 ms); the median of 50 runs, as the function is pure and fast."""
    import random
    from datetime import time as clock_time

    from visits.routes import Stop, shortest_route

    rng = random.Random(30)  # a reproducible day
    day = [Stop(n, 30.25 + rng.uniform(-0.1, 0.1), 120.16 + rng.uniform(-0.1, 0.1)) for n in range(stops)]
    day[5] = Stop(5, day[5].latitude, day[5].longitude, clock_time(10))
    day[20] = Stop(20, day[20].latitude, day[20].longitude, clock_time(15))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        route = shortest_route(day, start=(30.25, 120.16))
        times.append(time.perf_counter() - started)
    seconds = round(statistics.median(times), 4)
    return {"job": f"route order ({stops} stops)", "seconds": seconds, "target_s": 0.05,
            "counts": {"runs": runs, "max_ms": round(max(times) * 1000, 1), "moves": route.moves},
            "errors": 0 if len(route.order) == stops else "stops lost"}  # fmt: skip


def figure_import() -> dict:
    """Last month's business figures of every client imported again (the ordering system's
    month-end file): checked, then each client's month replaced, through the upload's service."""
    from accounts.models import User
    from analysis.figures import import_figures
    from analysis.models import BusinessFigure, FigureImport

    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    month = month.replace(day=1)
    rows = [
        (line, {"client_code": client, "product_code": product, "month": f"{month:%Y-%m}",
                "quantity": str(quantity), "amount": str(amount), "orders": str(orders)})
        for line, (client, product, quantity, amount, orders) in enumerate(
            BusinessFigure.objects.filter(month=month).values_list(
                "client__code", "product__code", "quantity", "amount", "orders"
            ).iterator(chunk_size=10_000),
            start=2,
        )
    ]  # fmt: skip
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(role=User.Role.ADMIN).first()
    started = time.perf_counter()
    report = import_figures(rows=rows, by=admin, source=FigureImport.Source.UPLOAD, file_name="bench.csv")
    seconds = round(time.perf_counter() - started, 2)
    errors = len(report.errors)
    clients = len({row["client_code"] for _line, row in rows})
    name = f"figure import ({len(rows):,} rows, {clients:,} clients)"
    return {"job": name, "seconds": seconds, "target_s": 60, "counts": {"rows": len(rows)}, "errors": errors}


def locust_env() -> dict[str, str]:
    return {"BENCH_TODAY": timezone.localdate().isoformat()}


def report(results: list[dict], job_results: list[dict], load_result: dict | None, budget: dict, strict: bool) -> int:
    failed = []
    print(f"\n{'page':<44}{'as':<12}{'p50 ms':>9}{'p95 ms':>9}{'target':>8}{'queries':>9}{'budget':>8}{'cpu':>6}")
    for row in results:
        marks = []
        if row["p95_ms"] > row["target_ms"]:
            marks.append("MISSED")
            if strict:
                failed.append(row["page"])
        allowed = budget.get(row["page"])
        if allowed is not None and row["queries"] > allowed:
            marks.append("TOO MANY QUERIES")
            failed.append(row["page"])
        if row["errors"]:
            marks.append(f"ERROR {row['statuses']}")
            failed.append(row["page"])
        print(
            f"{row['page']:<44}{row['as']:<12}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['target_ms']:>8}"
            f"{row['queries']:>9}{allowed if allowed is not None else '-':>8}{row['cpu_ms']:>6}  {' '.join(marks)}"
        )
    for row in job_results:
        mark = "MISSED" if row["seconds"] > row["target_s"] else ""
        if mark and strict:
            failed.append(row["job"])
        if row["errors"]:
            mark += f" ERRORS {row['errors'][:200]}"
            failed.append(row["job"])
        print(f"job {row['job']:<28}{row['seconds']:>8} s (target {row['target_s']} s)  {mark}")
    if load_result:
        print(
            f"\n{'load (signed in before the clock starts)':<44}{'users':>6}{'s':>5}{'requests':>10}{'failed':>8}"
            f"{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'cpu ms/req':>12}"
        )
    for mix, row in (load_result or {}).items():
        marks = []
        if mix == "manager" and row["rps"] < LOAD_RPS:
            marks.append("MISSED")
            if strict:
                failed.append(f"load {mix}")
        if row["failures"] or not row["requests"]:
            marks.append("ERRORS" if row["failures"] else "NO REQUESTS")
            failed.append(f"load {mix}")
        print(
            f"{mix + ' mix':<44}{row['users']:>6}{row['seconds']:>5}{row['requests']:>10}{row['failures']:>8}"
            f"{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['cpu_ms_per_request'] or '-':>12}  "
            f"{' '.join(marks)}"
        )
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


def cpu_reference(additions: int = 10_000_000) -> float:
    """Seconds for ten million additions in a Python loop: compare runs on different machines
    (or one machine on different days) by this first."""
    started = time.perf_counter()
    total = 0
    for number in range(additions):
        total += number
    return round(time.perf_counter() - started, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "large"], default="small")
    parser.add_argument("--existing", action="store_true", help="Measure DATABASE_URL's database as it is.")
    parser.add_argument("--requests", type=int, default=50, help="Requests per page (default 50).")
    parser.add_argument("--load", type=int, default=0, metavar="SECONDS", help="Also run a load test this long.")
    parser.add_argument("--users", type=int, default=50, help="Simulated users of the load test (default 50).")
    parser.add_argument(
        "--mix",
        default="manager,supervisor",
        help=f"The load test's page mixes, one window of --load seconds each, from {', '.join(MIXES)} "
        "(default manager,supervisor).",
    )
    parser.add_argument("--strict", action="store_true", help="Fail on missed time targets too.")
    parser.add_argument("--only", default="", metavar="TEXT", help="Only the pages whose name contains TEXT.")
    parser.add_argument("--show-queries", action="store_true", help="Print each page's queries (last request).")
    parser.add_argument("--write-budget", action="store_true", help="Record the query counts as the new budget.")
    args = parser.parse_args()
    mixes = [mix.strip() for mix in args.mix.split(",") if mix.strip()]
    if not mixes or set(mixes) - set(MIXES):
        parser.error(f"--mix takes a comma-separated list of {', '.join(MIXES)}")

    from accounts.models import User
    from datagen.generator import generate

    setup_test_environment()
    old_name = None
    generated = None
    if not args.existing:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        print(f"Generating the {args.scale} dataset in a throw-away database…")
        generated = generate(args.scale, log=lambda line: None)
        print(f"Generated in {generated['seconds']} s.")
    try:
        if connection.vendor == "sqlite" and args.load and not args.existing:
            parser.error("--load needs PostgreSQL or --existing (gunicorn cannot open an in-memory database)")
        manager = User.objects.get(username="gen_mgr001")
        supervisor = manager.team.supervisor
        users = {"manager": manager, "supervisor": supervisor, "admin": User.objects.get(username="gen_admin")}
        # This machine's speed can change within the hour (shared cores): taken before and
        # after the pages, the reference tells whether a slow figure is the code's or the CPU's.
        reference = {"before": cpu_reference()}
        results = measure(users, args.requests, args.only, args.show_queries)
        reference["after"] = cpu_reference()
        job_results = jobs() if not args.only else []
        load_result = None
        if args.load:
            settings = connection.settings_dict
            url = (
                f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
                if connection.vendor == "postgresql"
                else f"sqlite:///{settings['NAME']}"
            )
            extra = locust_env()
            connection.close()
            load_result = run_load(url, args.load, args.users, mixes, extra)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    budget = json.loads(BUDGET_FILE.read_text()) if BUDGET_FILE.exists() else {}
    if args.write_budget:
        budget.update({row["page"]: row["queries"] for row in results})
        BUDGET_FILE.write_text(json.dumps(budget, indent=2, ensure_ascii=False) + "\n")
    status = report(results, job_results, load_result, budget, args.strict)
    print(
        f"cpu reference: {reference['before']} s before the pages, {reference['after']} s after them, for "
        "10,000,000 Python additions (lower is a faster machine); column cpu: ms for 1,000,000 just before each page"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "scale": args.scale if not args.existing else "existing",
        "database": connection.vendor,
        "requests_per_page": args.requests,
        "generated": generated,
        "pages": results,
        "jobs": job_results,
        "load": load_result,
        "cpu_reference_s": reference,  # {"before": s, "after": s}
    }
    (out / f"{summary['scale']}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
