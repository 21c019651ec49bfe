"""Keeping the rollups right: every write of a visit fact refreshes the rows it touches, in
the same transaction, and a nightly job rebuilds whole months in case anything drifted.

What refreshes (one call per write path, no counting by hand anywhere):

- a planned visit, visit log or temporary task saved or deleted one by one (views, services,
  the API, sync, the admin): ``rollups.signals`` refreshes its manager's day, before and
  after the change (a visit moved to another day or manager leaves both right);
- the bulk writes that send no signal: ``visits.services.generate_visits`` (bulk insert) and
  ``visits.services.hand_over_planned_visits`` (a client given to another manager: its rows
  move to the new owner's scope, its upcoming visits to the new manager) call
  ``refresh_days`` / ``refresh_client``;
- every night, ``rebuild_month`` for this month and the last (the job
  ``rollups.rebuild``); by hand: ``manage.py rebuild_rollups --month 2026-11`` (or ``--all``).

A refresh recomputes the touched (manager, day) rows from the raw rows rather than adding
or subtracting one: a refresh is exact whatever the write was, and doing it twice changes
nothing. On PostgreSQL each (manager, month) is held by a transaction-level advisory lock
while it is recomputed, so two transactions writing the same manager's day cannot leave the
older count behind (the second waits, then reads what the first committed).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q

from clients.models import Client
from visits.models import PlannedVisit, TemporaryTask, VisitLog
from visits.rules import month_end, month_start, next_month

from .models import COUNTS, VisitDay

# ``PlannedVisit.Status`` as stored (also read by the data migration's historical models).
PLANNED, DONE, MISSED, CANCELLED = "planned", "done", "missed", "cancelled"
_PlannedVisit, _TemporaryTask, _VisitLog, _VisitDay = PlannedVisit, TemporaryTask, VisitLog, VisitDay

# pg_advisory_xact_lock(bigint): the rollups' keys are (this << 40) + manager << 12 + month.
LOCK_SPACE = 0x524F  # "RO"


def visit_day_rows(where: Q, *, models: tuple | None = None) -> list[VisitDay]:
    """The rollup rows of the raw facts that match ``where`` (lookups ``owner_id`` and
    ``date``, which the three models share), computed afresh: three grouped queries.
    ``models``: (planned visit, temporary task, visit log, rollup) as a migration has them."""
    PlannedVisit, TemporaryTask, VisitLog, VisitDay = models or (_PlannedVisit, _TemporaryTask, _VisitLog, _VisitDay)
    found: dict[tuple, VisitDay] = {}

    def add(rows, names: Iterable[str]) -> None:
        for row in rows:
            key = (row["owner_id"], row["date"], row["client__owner_id"], row["client__team_id"])
            item = found.get(key)
            if item is None:
                item = found[key] = VisitDay(owner_id=key[0], day=key[1], client_owner_id=key[2], client_team_id=key[3])
            for name in names:
                setattr(item, name, getattr(item, name) + row[name])

    group = ("owner_id", "date", "client__owner_id", "client__team_id")
    add(
        PlannedVisit.objects.filter(where)
        .exclude(status=CANCELLED)
        .order_by()
        .values(*group)
        .annotate(
            planned_open=Count("pk", filter=Q(status=PLANNED)),
            done=Count("pk", filter=Q(status=DONE)),
            missed=Count("pk", filter=Q(status=MISSED)),
        ),
        ("planned_open", "done", "missed"),
    )
    add(TemporaryTask.objects.filter(where).order_by().values(*group).annotate(tasks=Count("pk")), ("tasks",))
    add(
        VisitLog.objects.filter(where)
        .order_by()
        .values(*group)
        .annotate(logged=Count("pk"), unplanned=Count("pk", filter=Q(is_temporary=True))),
        ("logged", "unplanned"),
    )
    return [row for row in found.values() if any(getattr(row, name) for name in COUNTS)]


def _lock(owner_months: Iterable[tuple[int, date]]) -> None:
    """Hold each (manager, month) until the transaction ends (PostgreSQL; SQLite writes one
    at a time anyway). Always in the same order, so two writers never wait on each other."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({(LOCK_SPACE << 40) + (owner << 12) + month.year * 12 + month.month for owner, month in owner_months})
    if keys:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key ORDER BY key", [keys])


def _of(keys: dict[int, set[date]], day_lookup: str) -> Q:
    where = Q(pk__in=[])
    for owner, days in keys.items():
        where |= Q(owner_id=owner, **{f"{day_lookup}__in": sorted(days)})
    return where


@transaction.atomic
def refresh_days(owner_days: Iterable[tuple[int | None, date | None]]) -> int:
    """Recompute the rows of these (manager id, day) pairs from the raw rows; four queries
    (five on PostgreSQL) for any number of pairs. Returns the rows now kept for them."""
    keys: dict[int, set[date]] = {}
    for owner, day in owner_days:
        if owner is not None and day is not None:
            keys.setdefault(owner, set()).add(day)
    if not keys:
        return 0
    _lock((owner, month_start(day)) for owner, days in keys.items() for day in days)
    rows = visit_day_rows(_of(keys, "date"))
    VisitDay.objects.filter(_of(keys, "day")).delete()
    VisitDay.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _pairs_of_client(client_id: int) -> set[tuple[int, date]]:
    pairs = set()
    for model in (PlannedVisit, TemporaryTask, VisitLog):
        pairs |= set(model.objects.filter(client_id=client_id).order_by().values_list("owner_id", "date").distinct())
    return pairs


def refresh_client(client: Client | int) -> int:
    """After a client changed owner or team: every (manager, day) with work at it, whose rows
    carry the client's owner and team, is recomputed."""
    return refresh_days(_pairs_of_client(getattr(client, "pk", client)))


@contextmanager
def refreshing_client(client: Client | int):
    """Around a bulk change of a client's rows (its visits moved to another manager): the
    (manager, day) pairs it had before and has after are recomputed, in the caller's
    transaction."""
    client_id = getattr(client, "pk", client)
    before = _pairs_of_client(client_id)
    yield
    refresh_days(before | _pairs_of_client(client_id))


@transaction.atomic
def rebuild_month(month: date) -> int:
    """Recompute every row of the month from the raw rows (the nightly job; by hand with
    ``manage.py rebuild_rollups``). Returns the number of rows kept."""
    start, end = month_start(month), month_end(month)
    in_month = Q(date__range=(start, end))
    owners = set()
    for model in (PlannedVisit, TemporaryTask, VisitLog):
        owners |= set(model.objects.filter(in_month).order_by().values_list("owner_id", flat=True).distinct())
    owners |= set(VisitDay.objects.filter(day__range=(start, end)).values_list("owner_id", flat=True).distinct())
    _lock((owner, start) for owner in owners)
    rows = visit_day_rows(in_month)
    VisitDay.objects.filter(day__range=(start, end)).delete()
    VisitDay.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def months_with_facts() -> list[date]:
    """Every month from the first visit fact to the last (for ``rebuild_rollups --all``)."""
    first, last = None, None
    for model in (PlannedVisit, TemporaryTask, VisitLog):
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


def drift(month: date) -> list[tuple]:
    """The differences between the kept rows of the month and a full recomputation (key,
    kept counts, recomputed counts): empty when the rollups are right."""
    start, end = month_start(month), month_end(month)
    kept = {row.key(): row.counts() for row in VisitDay.objects.filter(day__range=(start, end))}
    fresh = {row.key(): row.counts() for row in visit_day_rows(Q(date__range=(start, end)))}
    zero = (0,) * len(COUNTS)
    return sorted(
        ((key, kept.get(key, zero), fresh.get(key, zero)) for key in kept.keys() | fresh.keys()
         if kept.get(key, zero) != fresh.get(key, zero)),
        key=lambda item: (item[0][1], item[0][0]),
    )  # fmt: skip
