"""Reads on a PostgreSQL streaming replica (DATABASE_REPLICA_URL), explicitly and narrowly.

With a replica configured (the database alias ``replica``), the router sends a read there
only while code runs inside :func:`reading_replica` - the dashboards, the quarterly report,
the exports, the scorecard, the at-risk list and the early warning's rule checks - and
never:

- a write (``db_for_write`` is always the primary), nor a read inside a transaction on the
  primary (it must see what that transaction wrote);
- sessions and sign-in records (a session just created may not have reached the replica);
- while the request is *pinned to the primary*: for ``CRM_REPLICA_STICKY_SECONDS`` after a
  request of the same browser wrote to the database (:class:`ReplicaMiddleware` sees every
  INSERT, UPDATE or DELETE on the primary and sets a signed cookie), so a user always reads
  their own writes, however far the replica lags.

Work the replica fails (down, unreachable, a query cancelled by a conflict with the replay)
runs again on the primary (:func:`on_replica`). Work whose result is written back (the early
warning flags and clears clients from its reads) first asks how far the replica lags
(:func:`replica_lag_seconds`) and reads the primary when it is more than
``CRM_REPLICA_MAX_LAG_SECONDS`` behind (:func:`on_fresh_replica`). Without DATABASE_REPLICA_URL the router is
not installed and everything reads the primary.
See docs/operations.md ("Reads on a replica").
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import time
from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
# Apps whose rows are read right after they are written by another request (a sign-in's
# session, its lockout records): always read from the primary.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})
STICKY_COOKIE = "crm_primary"
_STICKY_SALT = "crm.replica.sticky"
# The statements that change data (a CTE may hide one: WITH ... INSERT).
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "CREATE", "ALTER", "DROP")

_DATA_CHANGE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b")

_reading: ContextVar[bool] = ContextVar("crm_reading_replica", default=False)
_pinned: ContextVar[bool] = ContextVar("crm_pinned_to_primary", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class reading_replica(ContextDecorator):
    """Reads inside go to the replica, when there is one and the request is not pinned to
    the primary. ``with reading_replica(): ...`` or ``@reading_replica()`` on a view (below
    ``login_required``/``role_required``, so the signed-in user is read from the primary).

    A decorated function whose replica cannot answer (down, unreachable, a query cancelled
    by a conflict with the replay) runs again on the primary: it must only read."""

    def __init__(self):
        self._tokens = []

    def __call__(self, func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            # A new context per call: one decorated view serves many threads at once.
            return on_replica(func, *args, **kwargs)

        return inner

    def __enter__(self):
        self._tokens.append(_reading.set(True))
        return self

    def __exit__(self, *exc):
        _reading.reset(self._tokens.pop())
        return False


class pinned_to_primary(ContextDecorator):
    """Every read inside goes to the primary, even inside :func:`reading_replica`."""

    def __init__(self, pinned: bool = True):
        self.pinned = pinned
        self._tokens = []

    def _recreate_cm(self):
        return type(self)(self.pinned)

    def __enter__(self):
        self._tokens.append(_pinned.set(self.pinned))
        return self

    def __exit__(self, *exc):
        _pinned.reset(self._tokens.pop())
        return False


def on_replica(func, *args, **kwargs):
    """``func(*args, **kwargs)`` reading the replica, or again on the primary if the replica
    failed it (a database error on the replica's connection)."""
    if not replica_configured():
        with reading_replica():  # no router reads it: nothing changes
            return func(*args, **kwargs)
    replica = connections[REPLICA]
    before, replica.errors_occurred = replica.errors_occurred, False
    try:
        with reading_replica():
            return func(*args, **kwargs)
    except OperationalError:
        if not replica.errors_occurred:
            raise  # the primary's: not ours to hide
        logger.warning("The replica failed; reading the primary instead.", exc_info=True)
        with contextlib.suppress(DatabaseError):
            replica.close()
    finally:
        replica.errors_occurred = before or replica.errors_occurred
    with pinned_to_primary():
        return func(*args, **kwargs)


def replica_lag_seconds(wait: float = 0.0) -> float | None:
    """How far the replica's replay is behind the primary, in seconds. The primary's
    current WAL position is read, then the replica is asked every 0.1 s, for up to ``wait``
    seconds, whether it has replayed that far: if so, the seconds it took (0 at once). The
    primary's own last writes (a job's record of its run, a moment before) reach the
    replica within milliseconds; an idle primary writes nothing, and a replica that has
    replayed all of it does not lag, however old its last replayed transaction. Otherwise,
    the age of the replica's last replayed transaction (at least ``wait``). None when it
    cannot be told (the replica is down or unreachable)."""
    started = time.monotonic()
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (written,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn,"
                    " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
                    [written],
                )
                caught_up, age = cursor.fetchone()
                waited = time.monotonic() - started
                if caught_up or waited >= wait:
                    break
                time.sleep(0.1)
    except DatabaseError:
        logger.warning("Could not tell how far the replica lags.", exc_info=True)
        with contextlib.suppress(DatabaseError):
            connections[REPLICA].close()
        return None
    if caught_up:
        return round(waited, 3) if waited >= 0.1 else 0.0
    return float("inf") if age is None else max(float(age), waited)


def on_fresh_replica(func, *args, **kwargs):
    """:func:`on_replica` for work whose result is written back: on the primary when the
    replica lags more than ``CRM_REPLICA_MAX_LAG_SECONDS`` (or cannot say how much)."""
    if not replica_configured():
        return on_replica(func, *args, **kwargs)
    allowed = settings.CRM_REPLICA_MAX_LAG_SECONDS
    lag = replica_lag_seconds(wait=min(allowed, 5))
    if lag is None or lag > allowed:
        logger.warning("The replica lags (%s s): reading the primary instead.", lag)
        with pinned_to_primary():
            return func(*args, **kwargs)
    return on_replica(func, *args, **kwargs)


def is_reading_replica() -> bool:
    """Whether a read made now would go to the replica (given one is configured)."""
    return _reading.get() and not _pinned.get() and not connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """Installed only with DATABASE_REPLICA_URL (crm/settings.py)."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return REPLICA if is_reading_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either relate.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A streaming replica is a copy of the primary's files: only the primary migrates.
        return db == PRIMARY


def is_write(sql: str) -> bool:
    """Whether a statement changes data (sessions aside: they are read from the primary).
    Run on every statement of a request: it reads the first word, and the rest only when
    it must."""
    start = sql.lstrip()[:8].upper()
    if start.startswith("SELECT"):
        return " FOR UPDATE" in sql or " FOR NO KEY UPDATE" in sql
    writes = _DATA_CHANGE.search(sql.upper()) is not None if start.startswith("WITH") else start.startswith(_WRITES)
    return writes and '"django_session"' not in sql


def sticky_seconds() -> int:
    return settings.CRM_REPLICA_STICKY_SECONDS


def is_pinned(request) -> bool:
    """Whether the browser wrote within the last CRM_REPLICA_STICKY_SECONDS."""
    return (
        request.get_signed_cookie(STICKY_COOKIE, default=None, salt=_STICKY_SALT, max_age=sticky_seconds()) is not None
    )


class _WriteWatch:
    """An execute wrapper on the primary's connection: notes whether the request wrote, and
    pins the rest of the request to the primary once it has."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote and is_write(sql):
            self.wrote = True
            _pinned.set(True)  # undone with the request's pinned_to_primary
        return execute(sql, params, many, context)


class ReplicaMiddleware:
    """Read-your-writes. After a request that wrote to the primary, the browser reads the
    primary for CRM_REPLICA_STICKY_SECONDS (a signed cookie holds the moment); without a
    replica it does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        watch = _WriteWatch()
        with pinned_to_primary(is_pinned(request)), connections[PRIMARY].execute_wrapper(watch):
            response = self.get_response(request)
        if watch.wrote:
            response.set_signed_cookie(
                STICKY_COOKIE,
                str(int(time.time())),
                salt=_STICKY_SALT,
                max_age=sticky_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
