"""Early warning (预警客户): clients showing signs of leaving (SPEC "Clients": falling
activity, repeated complaints, low satisfaction, long without a visit), flagged for
retention work.

Each rule looks at a whole queryset of clients in a fixed number of queries and returns
``{client_id: figures}``; ``evaluate`` runs the enabled rules every morning, keeps one
warning per client and rule, clears the ones no longer matched and tells each owner once
about a newly flagged client.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, connections, transaction
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Cast, FirstValue, Lag, Lead, RowNumber, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import Client
from complaints.models import Complaint
from crm.queries import JsonRows, vacuum_analyze
from crm.replica import PRIMARY, on_fresh_replica
from interactions.models import Interaction
from notifications.jobs import job
from notifications.services import Reminder, notify_many
from surveys.models import Response
from visits.models import VisitLog
from visits.rules import day_start

from .defaults import ensure_warning_rules
from .models import MANUAL, ClientWarning, RuleCode, WarningRule, refresh_flagged_at

# A fall of this many points between a client's last two surveys is a warning even when
# the latest one is still above the threshold.
SATISFACTION_FALL_POINTS = 20
# Fewer contacts than this in the earlier period is too little to call a fall.
FALLING_ACTIVITY_MIN_EARLIER = 2
NOTIFICATION_KIND = "performance.at_risk"
# New and cleared warnings from which the run also vacuums the clients' table (each moves
# at most one client's latest flag).
CLIENTS_VACUUM_AFTER = 2_000

Figures = dict[int, dict]
Rule = Callable[[QuerySet, WarningRule, datetime], Figures]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


def _of(facts: QuerySet, clients: QuerySet[Client]) -> QuerySet:
    """``facts`` (rows with a client, never null) of ``clients`` only: no join with the
    clients when they are all of them (the morning run), 100,000 rows matched for nothing."""
    if not clients.query.where and not clients.query.is_sliced:
        return facts
    return facts.filter(client__in=clients)


def overdue_visit(clients: QuerySet[Client], rule: WarningRule, now: datetime) -> Figures:
    """Overdue by more than ``threshold`` % of the client's visit interval (the interval
    of its effective frequency: the stored due date minus the last visit). One query."""
    today = timezone.localdate(now)
    rows = (
        clients.filter(next_visit_due__lt=today, last_visited_on__isnull=False)
        .exclude(status=Client.Status.LOST)
        .values_list("pk", "last_visited_on", "next_visit_due")
    )
    found = {}
    for pk, last, due in rows:
        interval = (due - last).days
        if due + timedelta(days=interval * rule.threshold / 100) < today:
            found[pk] = {"last": f"{last:%Y-%m-%d}", "due": f"{due:%Y-%m-%d}", "days_overdue": (today - due).days}
    return found


def falling_activity(clients: QuerySet[Client], rule: WarningRule, now: datetime) -> Figures:
    """Visits and contacts from the client fell by ``threshold`` % or more in the last
    ``window_days`` against the same period before (when that one had at least two).
    One query."""
    today = timezone.localdate(now)
    window = rule.window_days
    # Two periods of exactly ``window`` days: the last one ends today.
    recent_start = today - timedelta(days=window - 1)
    earlier_start = recent_start - timedelta(days=window)
    # Each visit and inbound contact of both periods as (client, 1 if in the last period),
    # read from an index of (time, client) alone (performance 0006, interactions 0004), and
    # counted per client in one grouping over both (not one per source then a sum of the
    # sums: half the work, and whole numbers instead of PostgreSQL's numeric sums).
    visits = (
        VisitLog.objects.filter(date__gte=earlier_start, date__lte=today)
        .annotate(recent=Case(When(date__gte=recent_start, then=Value(1)), default=Value(0)))
        .order_by()
        .values_list("client_id", "recent")
    )
    inbound = (
        Interaction.objects.filter(
            direction=Interaction.Direction.INBOUND,
            occurred_at__gte=day_start(earlier_start),
            occurred_at__lte=now,
        )
        .annotate(recent=Case(When(occurred_at__gte=day_start(recent_start), then=Value(1)), default=Value(0)))
        .order_by()
        .values_list("client_id", "recent")
    )
    kept = clients.exclude(status=Client.Status.LOST).order_by().values("pk")
    # The database returns the likely falls only (a margin wider than the rounding of the
    # drop); the exact test is made here. The clients asked about (not lost) are matched to
    # those few, not to the half million visits (issue #31).
    parts, params = [], []
    for queryset in (visits, inbound, kept):
        sql, sql_params = queryset.query.get_compiler(queryset.db).as_sql()
        parts.append(sql)
        params.append(list(sql_params))
    with connections[visits.db].cursor() as cursor:
        cursor.execute(
            "SELECT client_id, recent, total - recent FROM (SELECT client_id, SUM(recent) AS recent, "  # noqa: S608 (our SQL; values are parameters)
            f"COUNT(*) AS total FROM ({parts[0]} UNION ALL {parts[1]}) activity GROUP BY client_id "
            "HAVING COUNT(*) - SUM(recent) >= %s "
            "AND 100 * (COUNT(*) - 2 * SUM(recent)) >= %s * (COUNT(*) - SUM(recent))) falls "
            f"WHERE client_id IN ({parts[2]})",
            [*params[0], *params[1], FALLING_ACTIVITY_MIN_EARLIER, rule.threshold - 0.1, *params[2]],
        )
        rows = cursor.fetchall()
    found = {}
    for pk, recent, earlier in rows:
        recent, earlier = int(recent), int(earlier)
        if earlier < FALLING_ACTIVITY_MIN_EARLIER:
            continue
        drop = _percent(earlier - recent, earlier)
        if drop >= rule.threshold:
            found[pk] = {"recent": recent, "earlier": earlier, "drop": drop, "window": window}
    return found


def repeated_complaints(clients: QuerySet[Client], rule: WarningRule, now: datetime) -> Figures:
    """``threshold`` or more complaints received in the last ``window_days``. One query."""
    rows = (
        _of(Complaint.objects.filter(received_at__gte=now - timedelta(days=rule.window_days)), clients)
        .values("client_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=max(rule.threshold, 1))
        .order_by()
        .values_list("client_id", "n")
    )
    return {pk: {"count": n, "window": rule.window_days} for pk, n in rows}


def low_satisfaction(clients: QuerySet[Client], rule: WarningRule, now: datetime) -> Figures:
    """The latest survey (answered within ``window_days``) has less than ``threshold`` %
    satisfied ratings, or fell by 20 points or more from the one before. One query.

    The database pairs each client's latest survey with the one before and keeps the
    likely matches only (a margin wider than the rounding of the figures); the exact test
    on the rounded figures is made here, on those few rows."""
    since = now - timedelta(days=rule.window_days)
    latest_first = {"partition_by": [F("client_id")], "order_by": [F("submitted_at").desc(), F("pk").desc()]}
    share = Cast("satisfied_ratings", FloatField()) * 100 / F("ratings")
    before = Cast("before_satisfied", FloatField()) * 100 / F("before_ratings")
    margin = 0.2  # each figure is rounded to 0.1
    latest = (
        _of(Response.objects.filter(ratings__gt=0, submitted_at__lte=now), clients)
        .annotate(
            day=TruncDate("submitted_at"),
            rank=Window(RowNumber(), **latest_first),
            before_satisfied=Window(Lead("satisfied_ratings"), **latest_first),
            before_ratings=Window(Lead("ratings"), **latest_first),
        )
        .alias(share=share, fall=before - share)
        .annotate(
            likely=Case(
                When(
                    Q(submitted_at__gte=since)
                    & (Q(share__lt=rule.threshold + margin) | Q(fall__gte=SATISFACTION_FALL_POINTS - margin)),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
        # The latest survey on its own (PostgreSQL stops numbering a client's surveys there).
        .filter(rank=1, likely=True)
        .order_by()  # not the responses' default order: 300,000 rows sorted for nothing
        .values_list("client_id", "day", "satisfied_ratings", "ratings", "before_satisfied", "before_ratings")
    )
    # Read as they come (whole numbers and the day, a date or its ISO text on SQLite): the
    # model's converters cost more than the test below on 40,000 rows.
    sql, params = latest.query.get_compiler(latest.db).as_sql()
    with connections[latest.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {}
    for pk, day, satisfied, ratings, before_satisfied, before_ratings in rows:
        csat = _percent(satisfied, ratings)
        if csat < rule.threshold:
            found[pk] = {"date": str(day), "csat": csat, "threshold": rule.threshold}
        elif before_ratings:
            previous = _percent(before_satisfied, before_ratings)
            if previous - csat >= SATISFACTION_FALL_POINTS:
                found[pk] = {"date": str(day), "csat": csat, "previous": previous, "fall": round(previous - csat, 1)}
    return found


def status_change(clients: QuerySet[Client], rule: WarningRule, now: datetime) -> Figures:
    """Now dormant or lost, and was active or a prospect until a change within the last
    ``window_days`` (from the client's change history). One query."""
    since = now - timedelta(days=rule.window_days)
    leaving = [Client.Status.DORMANT, Client.Status.LOST]
    # Each historical row with the status of the row before it (per client, in order).
    # Both conditions are on window expressions, so the database applies them after Lag
    # has seen every row (a plain filter on the status would drop the earlier rows first);
    # the second window is the row's own status.
    changes = (
        Client.history.filter(id__in=clients.filter(status__in=leaving).values("pk"))
        .annotate(
            was=Window(
                Lag("status"), partition_by=[F("id")], order_by=[F("history_date").asc(), F("history_id").asc()]
            ),
            became=Window(FirstValue("status"), partition_by=[F("history_id")]),
        )
        .filter(became__in=leaving, was__in=[Client.Status.ACTIVE, Client.Status.PROSPECT])
        .values_list("id", "history_date", "status", "was")
    )
    latest: dict[int, tuple] = {}
    for pk, changed_at, status, was in changes:
        if pk not in latest or changed_at > latest[pk][0]:
            latest[pk] = (changed_at, status, was)
    return {
        pk: {"status": status, "was": was, "date": f"{timezone.localtime(changed_at):%Y-%m-%d}"}
        for pk, (changed_at, status, was) in latest.items()
        if since <= changed_at <= now
    }


RULES: dict[str, Rule] = {
    RuleCode.OVERDUE_VISIT: overdue_visit,
    RuleCode.FALLING_ACTIVITY: falling_activity,
    RuleCode.REPEATED_COMPLAINTS: repeated_complaints,
    RuleCode.LOW_SATISFACTION: low_satisfaction,
    RuleCode.STATUS_CHANGE: status_change,
}


def matches(now: datetime, clients: QuerySet[Client] | None = None) -> dict[tuple[int, str], dict]:
    """Every enabled rule's matches: ``{(client_id, rule): figures}``."""
    clients = Client.objects.all() if clients is None else clients
    found = {}
    # The rules from the primary (one an admin just changed counts), the facts maybe from
    # the replica (evaluate).
    for rule in WarningRule.objects.using(PRIMARY).filter(enabled=True):
        check = RULES.get(rule.code)
        if check is None:
            continue
        for client_id, figures in check(clients, rule, now).items():
            found[(client_id, rule.code)] = figures
    return found


# Figures that move every day by themselves (the days since the due date): not stored, so an
# unchanged warning is not rewritten each morning; the reason counts them when it is read.
DAILY_FIGURES = ("days_overdue",)


def _stored(figures: dict) -> dict:
    if not any(key in figures for key in DAILY_FIGURES):
        return figures  # most figures (58,000 at 100,000 clients): not copied
    return {key: value for key, value in figures.items() if key not in DAILY_FIGURES}


def evaluate(now: datetime | None = None) -> dict:
    """Flag the clients the rules match today, clear the warnings they no longer match,
    and tell each owner once about a client newly flagged (or flagged again after being
    cleared). Running it twice changes and sends nothing more.

    Only what changed is written, in a fixed number of statements whatever the number of
    clients (on PostgreSQL the comparison itself is made by the database): new flags,
    changed figures, cleared warnings, then the latest flag of the clients flagged or
    cleared. A warning still matched with the same figures is left as it is (its "last
    confirmed" time is the last change)."""
    now = now or timezone.now()
    ensure_warning_rules()
    # The rules' heavy reads go to the replica when there is one (the primary if it fails or
    # lags: crm/replica.py), outside the transaction that writes the flags.
    found = {key: _stored(figures) for key, figures in on_fresh_replica(matches, now).items()}
    return _apply(found, now)


@transaction.atomic
def _apply(found: dict, now: datetime) -> dict:
    """Write what changed between ``found`` and the active warnings, and announce the new ones."""
    if connection.vendor == "postgresql":
        flagged, cleared = _apply_in_database(found, now)
        new = [(*key, figures) for key, figures in found.items() if key in flagged]
        still = len(found) - len(new)
    else:
        new, still, cleared = _apply_here(found, now)
    # The clients' latest and first flags (the at-risk list's order, the retention visits) move
    # with a new or cleared flag only.
    refresh_flagged_at([client_id for client_id, _rule, _figures in new] + cleared)
    announced = [ClientWarning(client_id=client_id, rule=rule, params=figures) for client_id, rule, figures in new]
    return {
        "flagged": len(new),
        "still": still,
        "cleared": len(cleared),
        "notified": _announce(announced, now),
    }


def _apply_in_database(found: dict, now: datetime) -> tuple[set[tuple[int, str]], list[int]]:
    """PostgreSQL: the matches go to the database as one JSON array, compared there with the
    active warnings and written in one statement (new or flagged again, figures changed,
    cleared); a warning still matched with the same figures is neither read back nor
    rewritten. Returns the keys flagged and the clients of the warnings cleared.

    Reading the 58,000 active warnings into Python to compare them cost 1.0–1.3 s at
    100,000 clients (2–3 s measured before, issue #31); here 0.6–1.0 s, of which 0.25–0.4 s
    is turning the matches into JSON, and nothing is read back."""
    table = connection.ops.quote_name(ClientWarning._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    e = JsonRows(connection)
    rows = e.dumps([[client_id, rule, figures] for (client_id, rule), figures in found.items()])
    # The matches and the active warnings are joined once; only the differences are kept
    # (none on most mornings), and each data-modifying part writes its own kind of them
    # (new or inactive rows, active ones matched, active ones no longer matched), all seeing
    # the warnings as they were before.
    sql = f"""
        WITH found AS MATERIALIZED (
            SELECT {e.cast(0, "bigint")} AS client_id, {e.text(1)} AS rule, {e.json(2)} AS params FROM {e.source}
        ), diff AS MATERIALIZED (
            SELECT f.client_id, f.rule, f.params, a.id
            FROM found f FULL JOIN (SELECT id, client_id, rule, params FROM {table} WHERE active AND rule <> %s) a
                ON a.client_id = f.client_id AND a.rule = f.rule
            WHERE a.id IS NULL OR f.client_id IS NULL OR a.params <> f.params
        ), flagged AS (
            INSERT INTO {table} (client_id, rule, params, active, first_flagged_at, last_seen_at, cleared_at)
            SELECT client_id, rule, params, true, %s, %s, NULL FROM diff WHERE id IS NULL
            ON CONFLICT (client_id, rule) DO UPDATE SET params = excluded.params, active = true,
                first_flagged_at = excluded.first_flagged_at, last_seen_at = excluded.last_seen_at, cleared_at = NULL
            RETURNING client_id, rule
        ), changed AS (
            UPDATE {table} w SET params = d.params, last_seen_at = %s FROM diff d
            WHERE w.id = d.id AND d.client_id IS NOT NULL
            RETURNING w.id
        ), cleared AS (
            UPDATE {table} w SET active = false, cleared_at = %s FROM diff d
            WHERE w.id = d.id AND d.client_id IS NULL
            RETURNING w.client_id
        )
        SELECT client_id, rule FROM flagged UNION ALL SELECT client_id, NULL FROM cleared
    """  # noqa: S608 (our SQL; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [rows, MANUAL, at, at, at, at])
        written = cursor.fetchall()
    flagged = {(client_id, rule) for client_id, rule in written if rule is not None}
    return flagged, [client_id for client_id, rule in written if rule is None]


def _apply_here(found: dict, now: datetime) -> tuple[list[tuple], int, list[int]]:
    """Other databases (SQLite, small): the active warnings compared here, then only what
    changed written. Returns the new warnings, the count still matched and the clients of
    the warnings cleared."""
    active = {
        (client_id, rule): (pk, params)
        for pk, client_id, rule, params in ClientWarning.objects.filter(active=True)
        .exclude(rule=MANUAL)  # marked by hand: only a person clears it
        .order_by()
        .values_list("pk", "client_id", "rule", "params")
    }
    new = [(*key, figures) for key, figures in found.items() if key not in active]
    changed = [(pk, found[key]) for key, (pk, params) in active.items() if key in found and found[key] != params]
    cleared = [(pk, key[0]) for key, (pk, _params) in active.items() if key not in found]
    _write(new, changed, [pk for pk, _client in cleared], now)
    return new, len(active) - len(cleared), [client_id for _pk, client_id in cleared]


def _write(new: list[tuple], changed: list[tuple], cleared: list[int], now: datetime) -> None:
    """One statement for each kind of change, the rows passed as one JSON array (a set the
    database reads with jsonb_array_elements or json_each), so the count of statements does
    not grow with the clients."""
    if not (new or changed or cleared):
        return
    table = connection.ops.quote_name(ClientWarning._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    e = JsonRows(connection)
    true, false = ("true", "false") if e.postgres else ("1", "0")
    with connection.cursor() as cursor:
        if new:
            # A warning cleared earlier is flagged again from today: the upsert resets it.
            cursor.execute(
                f"INSERT INTO {table} (client_id, rule, params, active, first_flagged_at, last_seen_at, cleared_at) "  # noqa: S608 (our SQL; values are parameters)
                f"SELECT {e.cast(0, 'bigint')}, {e.text(1)}, {e.json(2)}, {true}, %s, %s, NULL "
                f"FROM {e.source}{e.where} ON CONFLICT (client_id, rule) DO UPDATE SET params = excluded.params, "
                f"active = {true}, first_flagged_at = excluded.first_flagged_at, "
                "last_seen_at = excluded.last_seen_at, cleared_at = NULL",
                [at, at, json.dumps(new)],
            )
        if changed:
            cursor.execute(
                f"UPDATE {table} SET params = {e.json(1)}, last_seen_at = %s FROM {e.source} "  # noqa: S608 (our SQL; values are parameters)
                f"WHERE {table}.id = {e.cast(0, 'bigint')}",
                [at, json.dumps(changed)],
            )
        if cleared:
            cursor.execute(
                f"UPDATE {table} SET active = {false}, cleared_at = %s "  # noqa: S608 (our SQL; values are parameters)
                f"WHERE id IN (SELECT {e.cast(0, 'bigint')} FROM {e.source})",
                [at, json.dumps([[pk] for pk in cleared])],
            )


def _announce(new: list[ClientWarning], now: datetime) -> int:
    if not new:
        return 0
    clients = Client.objects.filter(pk__in={w.client_id for w in new}, owner__is_active=True).select_related("owner")
    clients = {client.pk: client for client in clients}
    day = f"{timezone.localdate(now):%Y-%m-%d}"
    reminders = []
    for warning in new:
        client = clients.get(warning.client_id)
        if client is None:
            continue
        with translation.override(client.owner.language):
            message = _("%(client)s may be leaving: %(reason)s") % {"client": client.name, "reason": warning.reason}
        key = f"{client.pk}:{warning.rule}:{day}"
        reminders.append(Reminder(client.owner, NOTIFICATION_KIND, key, message, client.get_absolute_url()))
    return notify_many(reminders)


@job("performance.early_warning")
def _early_warning(now):
    result = evaluate(now)
    # Refresh the statistics (and reclaim the versions of the rows that changed) before the
    # morning's home pages read the table; cheap when little changed. The clients too when
    # many of their latest flags moved (a first run: 46,000 at 100,000 clients), or the
    # at-risk list's count reads them through dead rows with stale statistics.
    moved = result["flagged"] + result["cleared"]
    vacuum_analyze(ClientWarning, *([Client] if moved >= CLIENTS_VACUUM_AFTER else []))
    return result
