"""Keeping the rollups right: every write of a visit fact, plan, survey answer, complaint or
business figure refreshes the rows it touches, in the same transaction, and a nightly job
rebuilds whole months in case anything drifted.

What refreshes (one call per write path, no counting by hand anywhere):

- a planned visit, visit log or temporary task saved or deleted one by one (views, services,
  the API, sync, the admin): ``rollups.signals`` refreshes its manager's day, before and
  after the change (a visit moved to another day or manager leaves both right);
- the bulk writes that send no signal: ``visits.services.generate_visits`` (bulk insert) and
  ``visits.services.hand_over_planned_visits`` (a client given to another manager: its rows
  move to the new owner's scope, its upcoming visits to the new manager) call
  ``refresh_days`` / ``refresh_client``;
- a complaint saved one by one (register, every workflow step, escalation by hand, someone
  on site, the auto-close job, the admin, the API): ``rollups.signals`` refreshes its
  manager's day of receipt, before and after; a client whose tier changes refreshes the
  days of its complaints (``refresh_client_complaints``, from the signal too); the bulk
  writes ``complaints.services.escalate_breached`` (``bulk_update``) and
  ``hand_over_complaints`` (``.update()``) wrap themselves in ``refreshing_complaints``;
- a visit log's first-visit and coverage counts: its signal also refreshes the days of the
  client's other logs that month (which one is its first may change) and its manager's
  coverage of the month (``refresh_visit_logs``); a visit log's checklist answers are
  bulk-created by ``visits.services.log_visit``, which refreshes the day itself (one by one,
  in the admin: a signal); a client's status change refreshes its days (first visits count
  active clients only);
- ``visits.services.log_visit`` runs inside ``batched``: the refreshes its writes ask for
  (the log, its planned visit marked done, its answers) run once, when it ends;
- coverage (``PlanCoverage``): a plan approved or no longer approved (its signal), a line
  saved one by one into an approved plan (a signal; the admin's plan page refreshes after
  its inline too), a client handed over (``refresh_client``, ``refreshing_client``);
- business figures (``FigureMonth``, per month and client's owner and team): the import
  (``analysis.figures.import_figures``: upload, API push, file drop) refreshes the
  (client's owner, month) pairs it replaced, in its transaction; the demo data
  (``analysis.demo``) calls ``refresh_figures_of``; ``datagen`` rebuilds every month after
  its bulk load; a figure saved one by one (``rollups.signals``) its owner's month; a
  client's owner or team changed (by any save: the hand-over, the form, the admin, an
  import) the months of its figures, for the old owner and the new
  (``refresh_client_figures``), and a client deleted the months its figures were in; a
  product's key-brand flag changed rebuilds the months it was sold in
  (``refresh_product_figures``: rare, and a whole month's figures each);
- every night, ``rebuild_month`` for this month and the last (the job
  ``rollups.rebuild``); by hand: ``manage.py rebuild_rollups --month 2026-11`` (or ``--all``).

A refresh recomputes the touched (manager, day) rows from the raw rows rather than adding
or subtracting one: a refresh is exact whatever the write was, and doing it twice changes
nothing. On PostgreSQL each (manager, month) is held by a transaction-level advisory lock
while it is recomputed, so two transactions writing the same manager's day cannot leave the
older count behind (the second waits, then reads what the first committed); the rows
recomputed replace the kept ones in one statement that writes only those that changed
(``_replace``).

A refresh and the rebuild compute the rows with the same query: ``visit_day_sql``,
``plan_coverage_sql``, ``complaint_day_query``, ``survey_month_rows``, ``figure_month_rows``.
Grouped in the database, the same SQL on SQLite and PostgreSQL (window functions for a
client's first visit of the month, ``RANK``, and a plan line's n-th visit, ``ROW_NUMBER``). A
refresh reads the rows (``*_rows``) and writes them with ``_replace``; the rebuild of a whole month
writes the visit, coverage and complaint rows with one ``INSERT … SELECT`` of that query
(``_insert``: tens of thousands of rows a month at 100,000 clients never pass through
Python). ``drift`` compares the kept rows with the ``*_rows`` of the same queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Rank, RowNumber, TruncDate, TruncMonth
from django.db.models.sql import Query
from django.utils import timezone

from analysis.models import BusinessFigure, Product
from analysis.rules import cents
from analysis.selectors import MARKET_SUMS
from clients.models import Client
from complaints.models import Complaint
from surveys.models import Response
from surveys.scores import DETRACTOR_MAX, PROMOTER_MIN
from visits.models import PlanLine, PlannedVisit, TemporaryTask, VisitLog
from visits.rules import month_bounds, month_end, month_start, next_month

from .models import (
    COMPLAINT_COUNTS,
    COUNTS,
    SCORE_SUMS,
    ComplaintDay,
    FigureMonth,
    PlanCoverage,
    SurveyMonth,
    VisitDay,
)

# ``PlannedVisit.Status`` as stored (also read by the data migration's historical models).
PLANNED, DONE, MISSED, CANCELLED = "planned", "done", "missed", "cancelled"
ACTIVE_CLIENT = "active"  # ``Client.Status.ACTIVE``
_PlannedVisit, _TemporaryTask, _VisitLog, _VisitDay = PlannedVisit, TemporaryTask, VisitLog, VisitDay
_Response, _SurveyMonth = Response, SurveyMonth
_Complaint, _ComplaintDay = Complaint, ComplaintDay
_PlanLine, _PlanCoverage = PlanLine, PlanCoverage
_BusinessFigure, _FigureMonth = BusinessFigure, FigureMonth

# pg_advisory_xact_lock(bigint): the rollups' keys are (this << 40) + manager << 12 + month.
LOCK_SPACE = 0x524F  # "RO"
SURVEY_LOCK_SPACE = 0x5253  # "RS"
COMPLAINT_LOCK_SPACE = 0x5243  # "RC"
FIGURE_LOCK_SPACE = 0x5246  # "RF"


# The columns of ``visit_day_sql``'s rows, in order (``VisitDay`` fields; a migration's
# rollup without some counts yet leaves those out).
VISIT_DAY_KEY = ("owner", "day", "client_owner", "client_team")


def visit_day_sql(
    where: Q, *, days: tuple[date, date] | None = None, models: tuple | None = None
) -> tuple[str, tuple, tuple[str, ...]]:
    """The one query of the visit rollup rows of the raw facts that match ``where``
    (lookups ``owner_id`` and ``date``, which the three models share), computed afresh:
    grouped counts per part (UNION ALL), added up per row key, rows of nothing left out.
    Returns (sql, params, its columns: ``VISIT_DAY_KEY`` then the counts). ``days``: the
    first and last day the facts that match ``where`` can fall on, when the caller knows
    them (the first visits' window then reads between them, which the planner can estimate;
    otherwise between the first and last log that matches). ``models``:
    (planned visit, temporary task, visit log, rollup) as a migration has them (a rollup
    without some counts yet: those are left out).

    ``first_visits``: a log that is its active client's first of the month (no log of the
    client earlier that month, nor the same day by a lower manager id) counts its client
    once (``_first_visits_sql``); ``checklist_missed``: the logs' checklist answers not done."""
    PlannedVisit, TemporaryTask, VisitLog, VisitDay = models or (_PlannedVisit, _TemporaryTask, _VisitLog, _VisitDay)
    kept = {f.name for f in VisitDay._meta.get_fields()}
    counts = tuple(name for name in COUNTS if name in kept)
    group = ("owner_id", "date", "client__owner_id", "client__team_id")
    zero = Value(0, output_field=IntegerField())
    none = dict.fromkeys(counts, zero)
    visits = (
        PlannedVisit.objects.filter(where)
        .exclude(status=CANCELLED)
        .order_by()
        .values(*group)
        .annotate(
            **{
                **none,
                "planned_open": Count("pk", filter=Q(status=PLANNED)),
                "done": Count("pk", filter=Q(status=DONE)),
                "missed": Count("pk", filter=Q(status=MISSED)),
            }
        )
    )
    tasks = TemporaryTask.objects.filter(where).order_by().values(*group).annotate(**{**none, "tasks": Count("pk")})
    # Counted by columns of the covering index ``visit_log_date`` (PostgreSQL): a month's
    # logs are read from the index alone.
    logs = (
        VisitLog.objects.filter(where)
        .order_by()
        .values(*group)
        .annotate(**{**none, "logged": Count("date"), "unplanned": Count("is_temporary", filter=Q(is_temporary=True))})
    )
    parts = [tasks, logs]
    if "checklist_missed" in counts:
        ChecklistAnswer = VisitLog._meta.apps.get_model("visits", "ChecklistAnswer")
        missed = (
            ChecklistAnswer.objects.filter(log__in=VisitLog.objects.filter(where).values("pk"), done=False)
            .order_by()
            .values(*(f"log__{name}" for name in group))
            .annotate(**{**none, "checklist_missed": Count("pk")})
        )
        parts.append(missed)
    sql, params = visits.union(*parts, all=True).values_list(*group, *counts).query.sql_with_params()
    if "first_visits" in counts:
        first_sql, first_params = _first_visits_sql(where, counts, VisitLog, days)
        sql, params = f"{sql} UNION ALL {first_sql}", (*params, *first_params)
    quote = connection.ops.quote_name
    keys = ", ".join(f"u.{quote(name)}" for name in group)
    sums = [f"SUM(u.{quote(name)})" for name in counts]
    # Compiled querysets and quoted names only (S608): the values are parameters.
    added = f"SELECT {keys}, {', '.join(sums)} FROM ({sql}) u GROUP BY {keys} HAVING {' + '.join(sums)} > 0"  # noqa: S608
    return added, params, (*VISIT_DAY_KEY, *counts)


def _first_visits_sql(where: Q, counts: tuple[str, ...], VisitLog, days: tuple[date, date] | None) -> tuple[str, tuple]:
    """The first visits part of ``visit_day_sql`` (its columns: the row key, then ``counts``,
    all 0 but ``first_visits``): the logs that match ``where`` and are their active client's
    first of the month (no log of the client earlier that month, nor the same day by a
    lower manager id: ties are each first), counted once per client. One window (``RANK``
    by client and month) over the logs of those clients in those months (from the covering
    index ``visit_log_date`` on PostgreSQL), instead of a search for an earlier log per log."""
    touched = VisitLog.objects.filter(where).order_by()
    if days is None:  # the first month and last day of the logs that match
        first = _month_of(Subquery(touched.order_by("date").values("date")[:1], output_field=DateField()))
        last = Subquery(touched.order_by("-date").values("date")[:1])
    else:
        first, last = month_start(days[0]), days[1]
    ranked = (
        VisitLog.objects.filter(client_id__in=touched.values("client_id"), date__gte=first, date__lte=last)
        .order_by()
        .values(
            r_owner=F("owner_id"), r_day=F("date"), r_client=F("client_id"), r_client_owner=F("client__owner_id"),
            r_client_team=F("client__team_id"), r_client_status=F("client__status"),
            r_matches=ExpressionWrapper(where, output_field=BooleanField()) if where else Value(True),
            r_rank=Window(
                Rank(), partition_by=[F("client_id"), _month_of("date")],
                order_by=[F("date").asc(), F("owner_id").asc()],
            ),
        )
    )  # fmt: skip
    sql, params = ranked.query.sql_with_params()
    key = "r.r_owner, r.r_day, r.r_client_owner, r.r_client_team"
    columns = ", ".join("COUNT(DISTINCT r.r_client)" if name == "first_visits" else "0" for name in counts)
    first = "WHERE r.r_rank = 1 AND r.r_matches AND r.r_client_status = %s"
    return f"SELECT {key}, {columns} FROM ({sql}) r {first} GROUP BY {key}", (*params, ACTIVE_CLIENT)  # noqa: S608


def _fetch(model, fields: Iterable[str], query: tuple[str, tuple]) -> list:
    """The rows a query selects as unsaved ``model`` instances (its columns: these fields,
    in order; dates parsed, as SQLite returns them as text to a raw cursor; sums of counts,
    numeric on PostgreSQL, as integers)."""
    fields = [model._meta.get_field(name) for name in fields]
    day = DateField()
    with connection.cursor() as cursor:
        cursor.execute(*query)
        found = cursor.fetchall()
    return [
        model(**{field.attname: day.to_python(value) if isinstance(field, DateField)
                 else int(value) if isinstance(value, Decimal) else value
                 for field, value in zip(fields, row, strict=True)})
        for row in found
    ]  # fmt: skip


def visit_day_rows(where: Q, *, days: tuple[date, date] | None = None, models: tuple | None = None) -> list[VisitDay]:
    """The rows of ``visit_day_sql`` (same arguments) as unsaved rollups: one query."""
    VisitDay = models[-1] if models else _VisitDay
    sql, params, fields = visit_day_sql(where, days=days, models=models)
    return _fetch(VisitDay, fields, (sql, params))


def _month_of(field: str | Expression) -> Cast:
    """The first day of the month of a date (a date on PostgreSQL too, so that it compares
    with a date column through its index)."""
    return Cast(TruncMonth(field, output_field=DateField()), DateField())


def _insert(model, fields: Iterable[str], query: tuple[str, tuple]) -> int:
    """Insert the rows a query selects (its columns: these fields of ``model``, in order)
    with one ``INSERT … SELECT``: a whole month's rows without a trip through Python.
    Returns the rows inserted."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)
        return cursor.rowcount


def _lock_keys(owner_months: Iterable[tuple[int, date]], space: int = LOCK_SPACE) -> set[int]:
    return {(space << 40) + (owner << 12) + month.year * 12 + month.month for owner, month in owner_months}


def _lock(owner_months: Iterable[tuple[int, date]], space: int = LOCK_SPACE, *, keys: Iterable[int] = ()) -> None:
    """Hold each (manager, month) until the transaction ends (PostgreSQL; SQLite writes one
    at a time anyway). Always in the same order, so two writers never wait on each other;
    ``keys``: more keys (``_lock_keys`` of another space), taken in the same statement, in
    the same order (a visit key is below every coverage key: as when taken one space after
    the other)."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(_lock_keys(owner_months, space) | set(keys))
    if keys:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key ORDER BY key", [keys])


def _replace(model, stale: Q, rows: list) -> None:
    """Put ``rows`` in place of the rollup rows that match ``stale``. On PostgreSQL one
    statement that writes only what changed: the rows kept that no new row equals are
    deleted, the new rows that no kept row equals are inserted (``WITH fresh AS (…), gone
    AS (DELETE …) INSERT …``: every part sees the statement's one snapshot, so the DELETE
    never meets the new rows). A visit log saved changes one or two of its manager's
    coverage rows of the month: those are written, not the hundreds around them. The new
    rows travel as one array per column (a rollup's columns are numbers, dates and text,
    which the driver sends as they are). Elsewhere a delete and a bulk insert."""
    if connection.vendor != "postgresql":
        model.objects.filter(stale).delete()
        model.objects.bulk_create(rows, batch_size=1000)
        return
    query = Query(model)
    query.add_q(stale)
    try:
        where, where_params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:  # no row kept to compare with or delete
        where, where_params = "", ()
    except FullResultSet:
        where, where_params = "TRUE", ()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    names = ", ".join(quote(f.column) for f in fields)

    def same(one: str, other: str) -> str:
        # Whole rows compared as text: NULLs compare as equal, the join is hashed, and the
        # planner derives no filter on ``fresh`` from the kept rows' (a misestimate that
        # made it compare every pair of rows).
        return " = ".join(
            f"ROW({', '.join(f'{alias}.{quote(f.column)}' for f in fields)})::text" for alias in (one, other)
        )

    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    fresh = f"fresh AS (SELECT * FROM unnest({arrays}) AS fresh ({names}))"  # noqa: S608 (values are parameters)
    columns = [[getattr(row, f.attname) for row in rows] for f in fields]
    if where and rows:
        sql = (
            f"WITH {fresh}, gone AS (DELETE FROM {table} WHERE ({where}) AND NOT EXISTS "  # noqa: S608
            f"(SELECT FROM fresh WHERE {same('fresh', table)})) "
            f"INSERT INTO {table} ({names}) SELECT * FROM fresh WHERE NOT EXISTS "
            f"(SELECT FROM {table} WHERE ({where}) AND {same('fresh', table)})"
        )
        params = (*columns, *where_params, *where_params)
    elif rows:
        sql, params = f"WITH {fresh} INSERT INTO {table} ({names}) SELECT * FROM fresh", columns  # noqa: S608
    elif where:
        sql, params = f"DELETE FROM {table} WHERE {where}", where_params  # noqa: S608
    else:
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _of(keys: dict[int, set[date]], day_lookup: str) -> Q:
    where = Q(pk__in=[])
    for owner, days in keys.items():
        where |= Q(owner_id=owner, **{f"{day_lookup}__in": sorted(days)})
    return where


@dataclass
class _Pending:
    """The visit rollups' refreshes asked for inside ``batched``, run once when it ends."""

    days: set = field(default_factory=set)  # (manager id, day)
    coverage: set = field(default_factory=set)  # (plan's manager id, day or month)
    client_months: set = field(default_factory=set)  # (client id, month): its logs' days


_pending: ContextVar[_Pending | None] = ContextVar("rollups_pending_visits", default=None)


@contextmanager
def batched():
    """Around one write of several visit facts in one transaction (``visits.services.log_visit``:
    the log, its planned visit marked done, its checklist answers): the visit rollups'
    refreshes asked for meanwhile (``refresh_days``, ``refresh_coverage``,
    ``refresh_visit_logs``, by the signals or the services) are only collected, and run
    once when it ends, still in the caller's transaction: one lock, one recomputation and
    one replacement of each kind, whatever the number of saves. A refresh is exact (the
    rows recomputed from the raw rows), so one at the end leaves the rows the separate
    refreshes would have. Open it inside the writes' transaction (``atomic``): left by an
    exception, it refreshes nothing, as the writes are rolled back. Inside another
    ``batched``, the outer one refreshes."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(_Pending())
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    _refresh_visits(pending.days, pending.coverage, pending.client_months)


def _valid(pairs: Iterable[tuple]) -> set[tuple]:
    return {(owner, day) for owner, day in pairs if owner is not None and day is not None}


def refresh_days(owner_days: Iterable[tuple[int | None, date | None]]) -> int:
    """Recompute the rows of these (manager id, day) pairs from the raw rows; three queries
    for any number of pairs (on PostgreSQL: the lock, the recomputation, and the old rows'
    delete with the new rows' insert). Returns the rows now kept for them (0 inside
    ``batched``: refreshed at its end)."""
    pending = _pending.get()
    if pending is not None:
        pending.days |= _valid(owner_days)
        return 0
    return _refresh_visits(owner_days, (), ())[0]


def refresh_visit_logs(owner_days: Iterable[tuple[int | None, date | None]], client_ids: Iterable[int | None]) -> None:
    """After visit logs were written at these (manager id, day) pairs, of these clients: the
    pairs' days; the days of the clients' other logs in the same months (which log is a
    client's first of the month, ``first_visits``, may have changed); and the coverage of
    the pairs' managers' plans of the month. One lock for all (inside ``batched``: at its
    end)."""
    owner_days = set(owner_days)
    days = {day for _owner, day in owner_days if day is not None}
    client_months = {(client_id, month_start(day)) for client_id in client_ids if client_id is not None for day in days}
    owner_days = _valid(owner_days)
    pending = _pending.get()
    if pending is not None:
        pending.days |= owner_days
        pending.coverage |= owner_days
        pending.client_months |= client_months
        return
    _refresh_visits(owner_days, owner_days, client_months)


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint of its own
def _refresh_visits(owner_days, coverage_months, client_months) -> tuple[int, int]:
    """The visit rows of ``owner_days`` and of the clients' logs in ``client_months``, and
    the coverage rows of ``coverage_months``, recomputed under one lock statement. Returns
    (visit rows, coverage rows) now kept for them."""
    keys: dict[int, set[date]] = {}
    for owner, day in _valid(owner_days) | pairs_of_client_months(client_months):
        keys.setdefault(owner, set()).add(day)
    months: dict[int, set[date]] = {}
    for owner, day in _valid(coverage_months):
        months.setdefault(owner, set()).add(month_start(day))
    if not keys and not months:
        return 0, 0
    coverage_keys = _lock_keys(((o, m) for o, each in months.items() for m in each), COVERAGE_LOCK_SPACE)
    _lock(((owner, month_start(day)) for owner, days in keys.items() for day in days), keys=coverage_keys)
    kept = 0
    if keys:
        every = {day for days in keys.values() for day in days}
        rows = visit_day_rows(_of(keys, "date"), days=(min(every), max(every)))
        _replace(VisitDay, _of(keys, "day"), rows)
        kept = len(rows)
    return kept, _recompute_coverage(months) if months else 0


def _pairs_of_client(client_id: int) -> set[tuple[int, date]]:
    pairs = set()
    for model in (PlannedVisit, TemporaryTask, VisitLog):
        pairs |= set(model.objects.filter(client_id=client_id).order_by().values_list("owner_id", "date").distinct())
    return pairs


def pairs_of_client_months(client_months: Iterable[tuple[int | None, date | None]]) -> set[tuple[int, date]]:
    """The (manager, day) of every log of these (client id, month or day) pairs (one query):
    whose log is the client's first of the month (``first_visits``) changes with any of
    them."""
    wanted: dict[int, set[date]] = {}
    for client_id, day in client_months:
        if client_id is not None and day is not None:
            wanted.setdefault(client_id, set()).add(month_start(day))
    if not wanted:
        return set()
    in_months = Q(pk__in=[])
    for client_id, months in wanted.items():
        for month in sorted(months):
            in_months |= Q(client_id=client_id, date__range=(month, month_end(month)))
    return set(VisitLog.objects.filter(in_months).order_by().values_list("owner_id", "date"))


def refresh_client(client: Client | int) -> int:
    """After a client changed owner, team or status: every (manager, day) with work at it,
    whose rows carry the client's owner and team, is recomputed; and every approved plan
    it is in (coverage rows carry them too)."""
    client_id = getattr(client, "pk", client)
    return refresh_days(_pairs_of_client(client_id)) + refresh_coverage(plan_months_of_client(client_id))


@contextmanager
def refreshing_client(client: Client | int):
    """Around a bulk change of a client's rows (its visits moved to another manager): the
    (manager, day) pairs it had before and has after are recomputed, in the caller's
    transaction."""
    client_id = getattr(client, "pk", client)
    before = _pairs_of_client(client_id)
    yield
    refresh_days(before | _pairs_of_client(client_id))
    refresh_coverage(plan_months_of_client(client_id))


# --- coverage of the approved plans ---------------------------------------------------------

APPROVED_PLAN = "approved"  # ``MonthlyPlan.Status.APPROVED``
COVERAGE_LOCK_SPACE = 0x5250  # "RP"


def _owner_months(keys: dict[int, set[date]], owner: str, month: str | None = None, day: str | None = None) -> Q:
    where = Q(pk__in=[])
    for owner_id, months in keys.items():
        for each in sorted(months):
            on = {month: each} if month else {f"{day}__range": (each, month_end(each))}
            where |= Q(**{owner: owner_id}, **on)
    return where


# The columns of ``plan_coverage_sql``'s rows, in order (``PlanCoverage`` fields).
COVERAGE_FIELDS = ("owner", "month", "client_owner", "client_team", "frequency", "reached", "day", "lines")


def plan_coverage_sql(lines_where: Q, logs_where: Q, *, models: tuple | None = None) -> tuple[str, tuple]:
    """The one query of the coverage rows (``COVERAGE_FIELDS``) of the approved plans' lines
    that match ``lines_where`` (lookups from ``PlanLine``), with the visit logs that match
    ``logs_where`` (their managers' logs of the same months): per plan's manager, month,
    client's owner and team now and frequency, the lines (``reached`` 0, ``day`` the month's
    first) and, for each n, the lines whose n-th log by that manager that month was on
    ``day`` (the logs numbered by ``ROW_NUMBER`` per manager, client and month, by date).
    Grouped in the database, the same SQL on SQLite and PostgreSQL. ``models``: (plan line,
    visit log, rollup) as a migration has them."""
    PlanLine, VisitLog = models[:2] if models else (_PlanLine, _VisitLog)
    lines = (
        PlanLine.objects.filter(lines_where, plan__status=APPROVED_PLAN)
        .order_by()
        .values(
            line_owner=F("plan__owner_id"), line_month=F("plan__month"), line_client=F("client_id"),
            line_client_owner=F("client__owner_id"), line_client_team=F("client__team_id"),
            line_frequency=F("frequency"),
        )
    )  # fmt: skip
    logs = (
        VisitLog.objects.filter(logs_where)
        .order_by()
        .values(
            log_owner=F("owner_id"), log_client=F("client_id"), log_day=F("date"), log_month=_month_of("date"),
            log_reached=Window(
                RowNumber(), partition_by=[F("owner_id"), F("client_id"), _month_of("date")], order_by=F("date").asc()
            ),
        )
    )  # fmt: skip
    lines_sql, lines_params = lines.query.sql_with_params()
    logs_sql, logs_params = logs.query.sql_with_params()
    scope = "l.line_owner, l.line_month, l.line_client_owner, l.line_client_team, l.line_frequency"
    # Compiled querysets only (S608): the values are parameters. The lines once (WITH).
    on = "g.log_owner = l.line_owner AND g.log_client = l.line_client AND g.log_month = l.line_month"
    sql = (
        f"WITH l AS ({lines_sql}) SELECT {scope}, 0, l.line_month, COUNT(*) FROM l GROUP BY {scope} "  # noqa: S608
        f"UNION ALL SELECT {scope}, g.log_reached, g.log_day, COUNT(*) FROM l JOIN ({logs_sql}) g ON {on} "
        f"GROUP BY {scope}, g.log_reached, g.log_day"
    )
    return sql, (*lines_params, *logs_params)


def plan_coverage_rows(lines_where: Q, logs_where: Q, *, models: tuple | None = None) -> list[PlanCoverage]:
    """The coverage rollup rows of ``plan_coverage_sql`` (same arguments), computed afresh:
    one query."""
    PlanCoverage = models[2] if models else _PlanCoverage
    return _fetch(PlanCoverage, COVERAGE_FIELDS, plan_coverage_sql(lines_where, logs_where, models=models))


def refresh_coverage(owner_months: Iterable[tuple[int | None, date | None]]) -> int:
    """Recompute the coverage rows of these (plan's manager id, day or month) pairs: a visit
    log saved, a plan approved or reopened, a client handed over. Four queries for any number
    of pairs (on PostgreSQL: the lock, two reads, the delete with the insert).
    Returns the rows now kept for them (0 inside ``batched``: refreshed at its end)."""
    pending = _pending.get()
    if pending is not None:
        pending.coverage |= _valid(owner_months)
        return 0
    return _refresh_visits((), owner_months, ())[1]


def _recompute_coverage(keys: dict[int, set[date]]) -> int:
    rows = plan_coverage_rows(
        _owner_months(keys, "plan__owner_id", month="plan__month"), _owner_months(keys, "owner_id", day="date")
    )
    _replace(PlanCoverage, _owner_months(keys, "owner_id", month="month"), rows)
    return len(rows)


def plan_months_of_client(client_id: int) -> set[tuple[int, date]]:
    """(plan's manager, month) of every approved plan that lists the client."""
    return set(
        PlanLine.objects.filter(client_id=client_id, plan__status=APPROVED_PLAN)
        .order_by()
        .values_list("plan__owner_id", "plan__month")
    )


def rebuild_coverage_month(month: date) -> int:
    """Recompute every coverage row of the month."""
    month = month_start(month)
    owners = set(
        PlanLine.objects.filter(plan__month=month, plan__status=APPROVED_PLAN)
        .order_by()
        .values_list("plan__owner_id", flat=True)
        .distinct()
    )
    owners |= set(PlanCoverage.objects.filter(month=month).values_list("owner_id", flat=True).distinct())
    _lock(((owner, month) for owner in owners), COVERAGE_LOCK_SPACE)
    PlanCoverage.objects.filter(month=month).delete()
    return _insert(
        PlanCoverage, COVERAGE_FIELDS, plan_coverage_sql(Q(plan__month=month), Q(date__range=(month, month_end(month))))
    )


# --- survey answers -------------------------------------------------------------------------


def survey_month_rows(where: Q, *, models: tuple | None = None) -> list[SurveyMonth]:
    """The survey rollup rows of the answers that match ``where``, computed afresh (one
    grouped query); the month is the answer's month in the local time zone, as the boards
    read it. ``models``: (response, rollup) as a migration has them."""
    Response, SurveyMonth = models or (_Response, _SurveyMonth)
    rows = (
        Response.objects.filter(where)
        .annotate(answered_in=TruncMonth("submitted_at"))
        .order_by()
        .values("owner_id", "answered_in", "tier_id", "client__owner_id", "client__team_id")
        .annotate(
            responses=Count("pk"),
            sum_ratings=Sum("ratings"),
            sum_satisfied=Sum("satisfied_ratings"),
            nps_answers=Count("pk", filter=Q(nps_score__isnull=False)),
            promoters=Count("pk", filter=Q(nps_score__gte=PROMOTER_MIN)),
            detractors=Count("pk", filter=Q(nps_score__lte=DETRACTOR_MAX)),
        )
    )
    found: dict[tuple, SurveyMonth] = {}
    for row in rows:
        answered_in = row["answered_in"]
        month = (timezone.localtime(answered_in) if timezone.is_aware(answered_in) else answered_in).date()
        key = (row["owner_id"], month_start(month), row["tier_id"], row["client__owner_id"], row["client__team_id"])
        item = found.get(key)
        if item is None:
            item = found[key] = SurveyMonth(
                owner_id=key[0], month=key[1], tier_id=key[2], client_owner_id=key[3], client_team_id=key[4]
            )
        for name, value in (("responses", row["responses"]), ("ratings", row["sum_ratings"]),
                            ("satisfied", row["sum_satisfied"]), ("nps_answers", row["nps_answers"]),
                            ("promoters", row["promoters"]), ("detractors", row["detractors"])):  # fmt: skip
            setattr(item, name, getattr(item, name) + (value or 0))
    return list(found.values())


def _answered_in(keys: dict[int, set[date]]) -> Q:
    where = Q(pk__in=[])
    for owner, months in keys.items():
        for month in months:
            start, end = month_bounds(month)
            where |= Q(owner_id=owner, submitted_at__gte=start, submitted_at__lt=end)
    return where


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint of its own
def refresh_survey_months(owner_months: Iterable[tuple[int | None, date | datetime | None]]) -> int:
    """Recompute the survey rows of these (manager id, month or moment) pairs: an answer
    saved, deleted, or its client handed over. Three queries (on PostgreSQL the lock, the read, the replace)."""
    keys: dict[int, set[date]] = {}
    for owner, when in owner_months:
        if owner is None or when is None:
            continue
        day = timezone.localtime(when).date() if isinstance(when, datetime) else when
        keys.setdefault(owner, set()).add(month_start(day))
    if not keys:
        return 0
    _lock(((owner, month) for owner, months in keys.items() for month in months), SURVEY_LOCK_SPACE)
    rows = survey_month_rows(_answered_in(keys))
    stale = Q(pk__in=[])
    for owner, months in keys.items():
        stale |= Q(owner_id=owner, month__in=sorted(months))
    _replace(SurveyMonth, stale, rows)
    return len(rows)


def _answers_of_client(client_id: int) -> set:
    return set(Response.objects.filter(client_id=client_id).order_by().values_list("owner_id", "submitted_at"))


def refresh_client_answers(client: Client | int) -> int:
    """After a client's hand-over (``surveys.services.hand_over_follow_ups``): its answers'
    rows now carry the new owner and team."""
    return refresh_survey_months(_answers_of_client(getattr(client, "pk", client)))


def rebuild_survey_month(month: date) -> int:
    start, end = month_bounds(month)
    in_month = Q(submitted_at__gte=start, submitted_at__lt=end)
    owners = set(Response.objects.filter(in_month).order_by().values_list("owner_id", flat=True).distinct())
    owners |= set(SurveyMonth.objects.filter(month=month_start(month)).values_list("owner_id", flat=True))
    _lock(((owner, month_start(month)) for owner in owners), SURVEY_LOCK_SPACE)
    rows = survey_month_rows(in_month)
    SurveyMonth.objects.filter(month=month_start(month)).delete()
    SurveyMonth.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- complaints -----------------------------------------------------------------------------

# ``Complaint.State`` as stored (also read by the data migration's historical models).
COMPLAINT_CLOSED, COMPLAINT_WAITING = "closed", "waiting"


# The columns of ``complaint_day_query``'s rows, in order (``ComplaintDay`` fields).
COMPLAINT_DAY_FIELDS = ("owner", "day", "team", "category", "severity", "tier", *COMPLAINT_COUNTS)


def complaint_day_query(where: Q, *, models: tuple | None = None) -> QuerySet:
    """The one grouped query of the complaint rollup rows of the complaints that match
    ``where`` (tuples, ``COMPLAINT_DAY_FIELDS``): by the local day they were received, the
    manager handling them, their team, category and severity and their client's tier now.
    A deadline counts once met: on time or late (``complaints.selectors._missed_q``'s "met
    after the deadline"). ``models``: (complaint, rollup) as a migration has them."""
    Complaint = models[0] if models else _Complaint
    group = ("owner_id", "received_on", "team_id", "category_id", "severity", "client__tier_id")
    return (
        Complaint.objects.filter(where)
        .annotate(received_on=TruncDate("received_at"))
        .order_by()
        .values(*group)
        .annotate(
            received=Count("pk"),
            first_responses=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            first_responses_late=Count("pk", filter=Q(acknowledged_at__gt=F("first_response_due"))),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            resolved_late=Count("pk", filter=Q(resolved_at__gt=F("resolution_due"))),
            on_site=Count("pk", filter=Q(on_site_due__isnull=False, on_site_at__isnull=False)),
            on_site_late=Count("pk", filter=Q(on_site_at__gt=F("on_site_due"))),
            closed=Count("pk", filter=Q(state=COMPLAINT_CLOSED)),
            escalated=Count("pk", filter=Q(level__gt=0)),
            paused=Count("pk", filter=Q(state=COMPLAINT_WAITING)),
        )
        .values_list(*group, *COMPLAINT_COUNTS)
    )


def complaint_day_rows(where: Q, *, models: tuple | None = None) -> list[ComplaintDay]:
    """The rows of ``complaint_day_query`` (same arguments) as unsaved rollups: one query."""
    ComplaintDay = models[1] if models else _ComplaintDay
    names = [ComplaintDay._meta.get_field(name).attname for name in COMPLAINT_DAY_FIELDS]
    return [ComplaintDay(**dict(zip(names, row, strict=True))) for row in complaint_day_query(where, models=models)]


def _local_day(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
    return moment


def _received_on(keys: dict[int, set[date]]) -> Q:
    where = Q(pk__in=[])
    for owner, days in keys.items():
        where |= Q(owner_id=owner, received_at__date__in=sorted(days))
    return where


@transaction.atomic(savepoint=False)  # part of the caller's write (a job's batch): no savepoint of its own
def refresh_complaint_days(owner_days: Iterable[tuple[int | None, date | datetime | None]]) -> int:
    """Recompute the complaint rows of these (manager id, day received) pairs from the raw
    rows (a moment is taken on its local day); three queries for any number of pairs (on
    PostgreSQL the lock, the read, the replace). Returns the rows now kept for them."""
    keys: dict[int, set[date]] = {}
    for owner, moment in owner_days:
        if owner is not None and moment is not None:
            keys.setdefault(owner, set()).add(_local_day(moment))
    if not keys:
        return 0
    _lock(((owner, month_start(day)) for owner, days in keys.items() for day in days), COMPLAINT_LOCK_SPACE)
    rows = complaint_day_rows(_received_on(keys))
    _replace(ComplaintDay, _of(keys, "day"), rows)
    return len(rows)


@contextmanager
def refreshing_complaints(complaints):
    """Around a bulk change of these complaints (a queryset or ids; ``.update()`` and
    ``bulk_update`` send no signal): the (manager, day) pairs they had before and have after
    are recomputed, in the caller's transaction."""
    ids = list(complaints.values_list("pk", flat=True)) if hasattr(complaints, "values_list") else list(complaints)

    def pairs() -> set:
        return set(Complaint.objects.filter(pk__in=ids).order_by().values_list("owner_id", "received_at"))

    before = pairs() if ids else set()
    yield
    if ids:
        refresh_complaint_days(before | pairs())


def refresh_client_complaints(client: Client | int) -> int:
    """After a client changed tier: the days of its complaints, whose rows carry the tier."""
    client_id = getattr(client, "pk", client)
    return refresh_complaint_days(
        Complaint.objects.filter(client_id=client_id).order_by().values_list("owner_id", "received_at").distinct()
    )


def rebuild_complaint_month(month: date) -> int:
    """Recompute every complaint row of the month (by the day received)."""
    start, end = month_bounds(month)
    received = Q(received_at__gte=start, received_at__lt=end)
    days = Q(day__range=(month_start(month), month_end(month)))
    owners = set(Complaint.objects.filter(received).order_by().values_list("owner_id", flat=True).distinct())
    owners |= set(ComplaintDay.objects.filter(days).values_list("owner_id", flat=True).distinct())
    _lock(((owner, month_start(month)) for owner in owners), COMPLAINT_LOCK_SPACE)
    ComplaintDay.objects.filter(days).delete()
    return _insert(ComplaintDay, COMPLAINT_DAY_FIELDS, complaint_day_query(received).query.sql_with_params())


# --- business figures -----------------------------------------------------------------------


def figure_month_rows(where: Q, *, models: tuple | None = None) -> list[FigureMonth]:
    """The figure rollup rows of the business figures that match ``where``, computed afresh
    (one grouped query): by month and the client's owner and team now, the market sums
    (``analysis.selectors.MARKET_SUMS``, the one definition) to two decimals. ``models``:
    (business figure, rollup) as a migration has them."""
    BusinessFigure, FigureMonth = models or (_BusinessFigure, _FigureMonth)
    rows = (
        BusinessFigure.objects.filter(where)
        .order_by()
        .values("client__owner_id", "month", "client__team_id")
        .annotate(**MARKET_SUMS)
    )
    return [
        FigureMonth(
            client_owner_id=row["client__owner_id"],
            month=row["month"],
            client_team_id=row["client__team_id"],
            quantity=cents(row["sum_quantity"]),
            amount=cents(row["sum_amount"]),
            orders=row["sum_orders"] or 0,
            key_brand_quantity=cents(row["sum_key_brand_quantity"]),
            active_clients=row["sum_active_clients"] or 0,
        )
        for row in rows
    ]


def _by_month(keys: dict[date, set[int]], owner_lookup: str) -> Q:
    where = Q(pk__in=[])
    for month, owners in keys.items():
        where |= Q(month=month, **{f"{owner_lookup}__in": sorted(owners)})
    return where


@transaction.atomic(savepoint=False)  # part of the caller's write (an import): no savepoint of its own
def refresh_figure_months(owner_months: Iterable[tuple[int | None, date | None]]) -> int:
    """Recompute the figure rows of these (client's owner id, month) pairs from the raw rows:
    every figure of that manager's clients in that month. Three queries for any number of
    pairs (on PostgreSQL the lock, the read, the replace). Returns the rows now kept."""
    keys: dict[date, set[int]] = {}
    for owner, month in owner_months:
        if owner is not None and month is not None:
            keys.setdefault(month_start(month), set()).add(owner)
    if not keys:
        return 0
    _lock(((owner, month) for month, owners in keys.items() for owner in owners), FIGURE_LOCK_SPACE)
    rows = figure_month_rows(_by_month(keys, "client__owner_id"))
    _replace(FigureMonth, _by_month(keys, "client_owner_id"), rows)
    return len(rows)


def refresh_figures_of(client_months: Iterable[tuple[int | None, date | None]]) -> int:
    """After figures of these (client id, month) pairs were written or deleted (an import, a
    demo): the months of their clients' owners are recomputed. One query more."""
    months_of: dict[int, set[date]] = {}
    for client_id, month in client_months:
        if client_id is not None and month is not None:
            months_of.setdefault(client_id, set()).add(month)
    owners: dict[int, int] = {}
    ids = sorted(months_of)
    for start in range(0, len(ids), 2000):
        owners.update(Client.objects.filter(pk__in=ids[start : start + 2000]).values_list("pk", "owner_id"))
    return refresh_figure_months(
        (owners.get(client_id), month) for client_id, months in months_of.items() for month in months
    )


def figure_months_of_client(client: Client | int) -> list[date]:
    """The months a client has figures in (by the figures' unique index: client, month)."""
    client_id = getattr(client, "pk", client)
    return list(
        BusinessFigure.objects.filter(client_id=client_id).order_by().values_list("month", flat=True).distinct()
    )


def refresh_client_figures(
    client: Client, owners: Iterable[int | None] = (), months: Iterable[date] | None = None
) -> int:
    """After a client changed owner or team (or was deleted): the months of its figures, of
    its owner now and of ``owners`` (the one it had), are recomputed: their rows carry
    the client's owner and team."""
    months = figure_months_of_client(client) if months is None else list(months)
    return refresh_figure_months((owner, month) for owner in {client.owner_id, *owners} for month in months)


# The products whose key-brand flag changed inside ``refreshing_products``: their months
# are rebuilt once, when it ends.
_changed_products: ContextVar[set[int] | None] = ContextVar("rollups_changed_products", default=None)


def refresh_product_figures(product: Product | int) -> int:
    """After a product's key-brand flag changed: every month it has figures in is rebuilt
    (the key-brand quantity of every manager who sold it). A rare change by an admin,
    costly at scale: a whole month's figures per month the product was sold in (inside
    ``refreshing_products``: once, at its end, for all the products changed)."""
    product_id = getattr(product, "pk", product)
    collecting = _changed_products.get()
    if collecting is not None:
        collecting.add(product_id)
        return 0
    return _rebuild_months_of_products({product_id})


def _rebuild_months_of_products(product_ids: set[int]) -> int:
    if not product_ids:
        return 0
    sold = Exists(BusinessFigure.objects.filter(month=OuterRef("month"), product_id__in=sorted(product_ids)))
    months = sorted(FigureMonth.objects.filter(sold).order_by().values_list("month", flat=True).distinct())
    return sum(rebuild_figure_month(month) for month in months)


def rebuild_changed_products(*, rebuild: bool = True) -> int:
    """Inside ``refreshing_products``: rebuild now (still in the caller's transaction) the
    months of the products changed so far, or forget them (``rebuild=False``: a dry run
    that is rolled back)."""
    collecting = _changed_products.get()
    if not collecting:
        return 0
    changed = set(collecting)
    collecting.clear()
    return _rebuild_months_of_products(changed) if rebuild else 0


@contextmanager
def refreshing_products():
    """Around a change of many products' key-brand flags (the admin's actions, the product
    import): each month they were sold in is rebuilt once at the end, in the caller's
    transaction, instead of once per product."""
    if _changed_products.get() is not None:  # already collecting: the outer one rebuilds
        yield
        return
    token = _changed_products.set(set())
    try:
        yield
        changed = _changed_products.get()
    finally:
        _changed_products.reset(token)
    _rebuild_months_of_products(changed)


def rebuild_figure_month(month: date) -> int:
    """Recompute every figure row of the month."""
    month = month_start(month)
    owners = set(Client.objects.order_by().values_list("owner_id", flat=True).distinct())
    owners |= set(FigureMonth.objects.filter(month=month).values_list("client_owner_id", flat=True).distinct())
    _lock(((owner, month) for owner in owners), FIGURE_LOCK_SPACE)
    rows = figure_month_rows(Q(month=month))
    FigureMonth.objects.filter(month=month).delete()
    FigureMonth.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def rebuild_visit_day_month(month: date) -> int:
    """Recompute every visit row of the month: one ``INSERT … SELECT`` of ``visit_day_sql``."""
    start, end = month_start(month), month_end(month)
    in_month = Q(date__range=(start, end))
    owners = set()
    for model in (PlannedVisit, TemporaryTask, VisitLog):
        owners |= set(model.objects.filter(in_month).order_by().values_list("owner_id", flat=True).distinct())
    owners |= set(VisitDay.objects.filter(day__range=(start, end)).values_list("owner_id", flat=True).distinct())
    _lock((owner, start) for owner in owners)
    VisitDay.objects.filter(day__range=(start, end)).delete()
    sql, params, fields = visit_day_sql(in_month, days=(start, end))
    return _insert(VisitDay, fields, (sql, params))


@transaction.atomic
def rebuild_month(month: date) -> int:
    """Recompute every row of the month from the raw rows (the nightly job; by hand with
    ``manage.py rebuild_rollups``), each rollup with one ``INSERT … SELECT`` of the query its
    refresh reads too (figures and survey answers: their few rows through Python). Returns
    the number of rows kept."""
    return (
        rebuild_visit_day_month(month)
        + rebuild_coverage_month(month)
        + rebuild_survey_month(month)
        + rebuild_complaint_month(month)
        + rebuild_figure_month(month)
    )


def months_with_facts() -> list[date]:
    """Every month from the first fact (visit, answer, complaint, business figure) to the
    last (for ``rebuild_rollups --all``)."""
    first, last = None, None
    answered = Response.objects.order_by().aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    received = Complaint.objects.order_by().aggregate(first=Min("received_at"), last=Max("received_at"))
    sold = BusinessFigure.objects.order_by().aggregate(first=Min("month"), last=Max("month"))
    for model in (PlannedVisit, TemporaryTask, VisitLog, answered, received, sold):
        if model is sold:
            bounds = sold
        elif isinstance(model, dict):
            bounds = {k: v and timezone.localtime(v).date() for k, v in model.items()}
        else:
            bounds = model.objects.order_by().aggregate(first=Min("date"), last=Max("date"))
        if bounds["first"] is not None:
            first = min(first or bounds["first"], bounds["first"])
            last = max(last or bounds["last"], bounds["last"])
    months = []
    month = month_start(first) if first else None
    while month is not None and month <= last:
        months.append(month)
        month = next_month(month)
    return months


def _differences(kept: dict, fresh: dict, zero: tuple, order=str) -> list[tuple]:
    """(key, kept counts, recomputed counts) of every key where the two differ."""
    return sorted(
        ((key, kept.get(key, zero), fresh.get(key, zero)) for key in kept.keys() | fresh.keys()
         if kept.get(key, zero) != fresh.get(key, zero)),
        key=order,
    )  # fmt: skip


def drift(month: date) -> list[tuple]:
    """The differences between the kept rows of the month and a full recomputation (key,
    kept counts, recomputed counts): empty when the rollups are right."""
    start, end = month_start(month), month_end(month)
    received = Q(received_at__gte=month_bounds(start)[0], received_at__lt=month_bounds(start)[1])
    submitted = Q(submitted_at__gte=month_bounds(start)[0], submitted_at__lt=month_bounds(start)[1])

    def keyed(rows) -> dict:
        return {row.key(): row.counts() for row in rows}

    return [
        *_differences(
            keyed(VisitDay.objects.filter(day__range=(start, end))),
            keyed(visit_day_rows(Q(date__range=(start, end)), days=(start, end))),
            (0,) * len(COUNTS),
            order=lambda item: (item[0][1], item[0][0]),
        ),
        *_differences(
            keyed(PlanCoverage.objects.filter(month=start)),
            keyed(plan_coverage_rows(Q(plan__month=start), Q(date__range=(start, end)))),
            (0,),
        ),
        *_differences(
            keyed(SurveyMonth.objects.filter(month=start)), keyed(survey_month_rows(submitted)), (0,) * len(SCORE_SUMS)
        ),
        *_differences(
            keyed(ComplaintDay.objects.filter(day__range=(start, end))),
            keyed(complaint_day_rows(received)),
            (0,) * len(COMPLAINT_COUNTS),
        ),
        *_differences(
            keyed(FigureMonth.objects.filter(month=start)),
            keyed(figure_month_rows(Q(month=start))),
            tuple(FigureMonth().counts()),
        ),
    ]
