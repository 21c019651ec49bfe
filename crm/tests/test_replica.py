"""The replica's router, read-your-writes and settings (crm/replica.py, crm/config.py), without a
standby: tests/replica/test_standby.py runs the same on a real streaming replica."""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from crm import replica
from crm.config import ConfigError, database_config, pgbouncer_options, replica_config
from crm.replica import PRIMARY, REPLICA, ReplicaMiddleware, ReplicaRouter, pinned_to_primary, reading_replica
from performance import warnings
from performance.tests.factories import complaint

ROOT = Path(__file__).resolve().parents[2]
router = ReplicaRouter()


# --- the router ---------------------------------------------------------------------------
def test_reads_go_to_the_replica_only_inside_reading_replica():
    assert router.db_for_read(Client) == PRIMARY
    with reading_replica():
        assert router.db_for_read(Client) == REPLICA
        with reading_replica():  # nested: still the replica, and the outer one is kept
            assert router.db_for_read(Client) == REPLICA
        assert router.db_for_read(Client) == REPLICA
        # Writes, sessions, and a request pinned after its own write: the primary.
        assert router.db_for_write(Client) == PRIMARY
        assert router.db_for_read(Session) == PRIMARY
        with pinned_to_primary():
            assert router.db_for_read(Client) == PRIMARY
        assert router.db_for_read(Client) == REPLICA
    assert router.db_for_read(Client) == PRIMARY
    assert router.db_for_write(Client) == PRIMARY


def test_the_decorator_restores_the_primary_after_an_error():
    @reading_replica()
    def page():
        assert router.db_for_read(Client) == REPLICA
        raise ValueError

    with pytest.raises(ValueError):
        page()
    assert router.db_for_read(Client) == PRIMARY
    assert page.__name__ == "page"  # a view keeps its name (URL reversing, logs)


def test_one_decorated_view_serves_threads_at_once():
    """One decorator object, many requests: each thread sees its own state."""
    inside, seen, errors = threading.Barrier(2), [], []

    @reading_replica()
    def page():
        inside.wait(5)  # both threads are inside at once
        seen.append(router.db_for_read(Client))
        inside.wait(5)

    def run():
        try:
            page()
            seen.append(router.db_for_read(Client))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert sorted(seen) == [PRIMARY, PRIMARY, REPLICA, REPLICA]


@pytest.fixture
def replica_alias(monkeypatch):
    """A ``replica`` alias (a copy of the test database's settings, never connected here)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    connections.settings[REPLICA] = dict(connections.settings[PRIMARY])
    yield connections[REPLICA]
    del connections[REPLICA]
    del connections.settings[REPLICA]


def test_work_the_replica_fails_runs_again_on_the_primary(replica_alias, monkeypatch):
    calls = []
    # The warning is read off the logger itself: another test of the same worker may have
    # reconfigured logging (a process's dictConfig disables the loggers it does not name).
    warned = []
    monkeypatch.setattr(replica.logger, "warning", lambda message, *args, **kwargs: warned.append(message))

    @reading_replica()
    def board():
        calls.append(router.db_for_read(Client))
        if len(calls) == 1:
            replica_alias.errors_occurred = True  # as Django marks a connection whose query failed
            raise OperationalError("server closed the connection unexpectedly")
        return "figures"

    assert board() == "figures"
    assert calls == [REPLICA, PRIMARY]
    assert any("The replica failed" in message for message in warned)
    assert replica_alias.errors_occurred  # kept: Django closes the connection at the request's end


def test_an_error_of_the_primary_is_not_hidden(replica_alias):
    calls = []

    @reading_replica()
    def board():
        calls.append(router.db_for_read(Client))
        raise OperationalError("the primary is down")  # the replica's connection had no error

    with pytest.raises(OperationalError):
        board()
    assert calls == [REPLICA]


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_there():
    """It must see what its transaction wrote (the test runs inside one)."""
    assert connection.in_atomic_block
    with reading_replica():
        assert router.db_for_read(Client) == PRIMARY


def test_only_the_primary_migrates_and_objects_of_both_relate():
    assert router.allow_migrate(PRIMARY, "clients")
    assert not router.allow_migrate(REPLICA, "clients")
    on_primary, on_replica, elsewhere = Client(), Client(), Client()
    on_primary._state.db, on_replica._state.db, elsewhere._state.db = PRIMARY, REPLICA, "archive"
    assert router.allow_relation(on_primary, on_replica)
    assert router.allow_relation(on_replica, on_replica)
    assert router.allow_relation(on_primary, elsewhere) is None


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "clients_client" ("name") VALUES (%s)', True),
        ('  update "clients_client" SET "name" = %s', True),
        ('DELETE FROM "clients_client" WHERE "id" = %s', True),
        ('SELECT "id" FROM "clients_client" WHERE "id" = %s FOR UPDATE', True),
        ("WITH moved AS (UPDATE clients_client SET name = 'x' RETURNING id) SELECT count(*) FROM moved", True),
        ('SELECT "id" FROM "clients_client"', False),
        ("WITH recent AS (SELECT id FROM clients_client) SELECT count(*) FROM recent", False),
        ('SAVEPOINT "s1"', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),  # read from the primary anyway
        ('UPDATE "django_session" SET "expire_date" = %s', False),
    ],
)
def test_what_counts_as_a_write(sql, writes):
    assert replica.is_write(sql) is writes


# --- read-your-writes (the middleware) -----------------------------------------------------
@pytest.fixture
def with_replica(monkeypatch):
    """The middleware as it runs with DATABASE_REPLICA_URL set (the router is not needed)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def _through_middleware(view, cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    return ReplicaMiddleware(view)(request)


def _writes(request):
    Client.objects.filter(pk=0).update(name="nobody")  # an UPDATE, even of no row
    return HttpResponse(str(replica._pinned.get()))


def _reads(request):
    list(Client.objects.all()[:1])
    return HttpResponse(str(replica._pinned.get()))


@pytest.mark.django_db
def test_a_request_that_wrote_pins_the_browser_to_the_primary(with_replica, settings):
    settings.CRM_REPLICA_STICKY_SECONDS = 10
    wrote = _through_middleware(_writes)
    assert wrote.content == b"True"  # the rest of that request read the primary too
    cookie = wrote.cookies[replica.STICKY_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]
    # The next request of that browser reads the primary, even on a replica page.
    assert _through_middleware(_reads, {replica.STICKY_COOKIE: cookie.value}).content == b"True"
    # A request that only read sets nothing.
    read = _through_middleware(_reads)
    assert read.content == b"False" and replica.STICKY_COOKIE not in read.cookies


@pytest.mark.django_db
def test_the_pin_expires_and_cannot_be_forged(with_replica, settings, time_machine):
    settings.CRM_REPLICA_STICKY_SECONDS = 10
    cookie = _through_middleware(_writes).cookies[replica.STICKY_COOKIE].value
    time_machine.move_to(timezone.now() + timedelta(seconds=11))
    assert _through_middleware(_reads, {replica.STICKY_COOKIE: cookie}).content == b"False"
    assert _through_middleware(_reads, {replica.STICKY_COOKIE: "1"}).content == b"False"


@pytest.mark.django_db
def test_without_a_replica_the_middleware_does_nothing():
    response = _through_middleware(_writes)
    assert response.content == b"False" and replica.STICKY_COOKIE not in response.cookies


# --- which work reads the replica ----------------------------------------------------------
class ReadingRecorder:
    """Each statement with whether it ran inside reading_replica()."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((replica._reading.get(), sql))
        return execute(sql, params, many, context)

    def on_replica(self):
        return [sql for reading, sql in self.statements if reading]


REPLICA_PAGES = [
    "dashboards:visits",
    "dashboards:complaints",
    "dashboards:satisfaction",
    "dashboards:business",
    "dashboards:quarterly",
    "performance:scorecard",
    "performance:at_risk",
    "clients:export",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", REPLICA_PAGES)
def test_the_heavy_pages_read_inside_reading_replica(client, supervisor, manager, page):
    ClientFactory(owner=manager)
    client.force_login(supervisor)
    recorder = ReadingRecorder()
    with connection.execute_wrapper(recorder):
        assert client.get(reverse(page)).status_code == 200
    assert recorder.on_replica(), page
    # The signed-in user is read before (login_required and role_required come first).
    user_reads = [reading for reading, sql in recorder.statements if 'FROM "accounts_user"' in sql]
    assert user_reads and user_reads[0] is False


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), [("clients:list", "manager"), ("visits:sheet", "manager")])
def test_the_working_pages_read_the_primary(client, manager, page, role):
    client.force_login(manager)
    recorder = ReadingRecorder()
    with connection.execute_wrapper(recorder):
        assert client.get(reverse(page)).status_code == 200
    assert recorder.statements and not recorder.on_replica()


@pytest.mark.django_db
def test_the_early_warning_checks_its_rules_on_the_replica_and_writes_on_the_primary(manager):
    now = timezone.now()
    leaving = ClientFactory(owner=manager)
    complaint(leaving, now - timedelta(days=2))
    complaint(leaving, now - timedelta(days=20))
    recorder = ReadingRecorder()
    with connection.execute_wrapper(recorder):
        assert warnings.evaluate(now)["flagged"] == 1
    assert any('"complaints_complaint"' in sql for sql in recorder.on_replica())
    written = [(reading, sql) for reading, sql in recorder.statements if replica.is_write(sql)]
    assert written and not any(reading for reading, _sql in written)


# --- settings -----------------------------------------------------------------------------
PRIMARY_URL = "postgres://crm:pw@db.example.com:5432/crm"
REPLICA_URL = "postgres://crm:pw@standby.example.com:5432/crm?application_name=crm-replica"


def _settings(tmp_path, **env) -> dict:
    """DATABASES and DATABASE_ROUTERS as crm/settings.py makes them from ``env``."""
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CRM_VAR_DIR": str(tmp_path / "var"), **env}
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'databases': settings.DATABASES, 'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "crm.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_with_and_without_a_replica_and_behind_pgbouncer(tmp_path):
    alone = _settings(tmp_path, DATABASE_URL=PRIMARY_URL)
    assert list(alone["databases"]) == ["default"] and alone["routers"] == []
    options = alone["databases"]["default"]["OPTIONS"]
    assert options["options"] == "-c work_mem=32MB -c random_page_cost=1.1"

    both = _settings(tmp_path, DATABASE_URL=PRIMARY_URL, DATABASE_REPLICA_URL=REPLICA_URL)
    default, standby = both["databases"]["default"], both["databases"]["replica"]
    assert both["routers"] == ["crm.replica.ReplicaRouter"]
    assert standby["HOST"] == "standby.example.com"
    assert standby["OPTIONS"] == {**default["OPTIONS"], "application_name": "crm-replica"}
    assert standby["TEST"]["MIRROR"] == "default"
    assert (standby["CONN_MAX_AGE"], standby["CONN_HEALTH_CHECKS"]) == (default["CONN_MAX_AGE"], True)

    pooled = _settings(tmp_path, DATABASE_URL=PRIMARY_URL, DATABASE_REPLICA_URL=REPLICA_URL, CRM_PGBOUNCER="1")
    for alias in ("default", "replica"):
        config = pooled["databases"][alias]
        assert "options" not in config["OPTIONS"]  # no work_mem sent at start-up
        assert config["OPTIONS"]["prepare_threshold"] is None
        assert config["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_pgbouncer_options_and_replica_config_as_functions():
    assert pgbouncer_options({"connect_timeout": 5, "options": "-c work_mem=32MB"}) == {
        "connect_timeout": 5,
        "prepare_threshold": None,
    }
    primary = database_config(PRIMARY_URL) | {"OPTIONS": {"connect_timeout": 5}, "CONN_MAX_AGE": 60}
    config = replica_config(primary, database_config(REPLICA_URL, "DATABASE_REPLICA_URL"))
    assert config["OPTIONS"] == {"connect_timeout": 5, "application_name": "crm-replica"}
    assert config["CONN_MAX_AGE"] == 60 and config["TEST"] == {"MIRROR": "default"}
    with pytest.raises(ConfigError, match="same kind of database"):
        replica_config(primary, database_config("sqlite:////tmp/replica.sqlite3", "DATABASE_REPLICA_URL"))
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL is malformed"):
        database_config("postgress://crm:s3cret@standby/crm", "DATABASE_REPLICA_URL")
