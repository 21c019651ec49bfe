"""Fixtures shared by every app's tests: two teams, each with a supervisor and managers."""

import os

import pytest

from accounts.tests.factories import AdminFactory, ManagerFactory, SupervisorFactory
from tests.clock import TEST_NOW

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings for the whole run, before any user or cache entry is made.

    - A fast password hasher: the real one (PBKDF2, a million rounds) costs about 0.2 s of
      CPU per user made or signed in, which was most of the suite's time. Tests of the
      hasher itself are Django's; ours only check that a password is accepted.
    - Under pytest-xdist each worker has its own database (pytest-django) and here its own
      cache namespace, so that one worker's cleared or counted keys (sessions, sign-in
      limits, dashboards) never meet another's.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    overrides = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
        for config in caches.values():
            if config["BACKEND"].endswith("FileBasedCache"):
                config["LOCATION"] = f"{config['LOCATION']}-{worker}"
            else:
                config["KEY_PREFIX"] = f"{config.get('KEY_PREFIX', '')}-test-{worker}"
        overrides["CACHES"] = caches
    with override_settings(**overrides):
        yield


@pytest.fixture(scope="session", autouse=True)
def _empty_file_cache(_test_settings):
    """Without Redis, start from an empty file cache: it outlives a run, and the sessions and
    checked imports of earlier runs would crowd it. (Redis is never cleared: it may be the
    broker too, and holds no entry limit.)"""
    from django.core.cache import caches
    from django.core.cache.backends.filebased import FileBasedCache

    if isinstance(caches["default"], FileBasedCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    """Every test runs at tests/clock.py's moment (the clock ticks from there). Browser and
    topology tests keep the real clock: chromium, gunicorn and Celery's processes read
    their own."""
    if any(request.node.get_closest_marker(kind) for kind in ("browser", "topology", "real_clock")):
        yield
        return
    import time_machine

    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_dashboards(settings):
    """Dashboards compute their figures on every request in tests, which change data and
    look again within a second (dashboards/tests/test_caching.py turns the cache on)."""
    settings.CRM_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_work_calendar():
    """The working-day calendar is cached per year in the shared cache and forgotten on
    every change; a test's rows are rolled back without a signal, so every test starts a
    new cache generation (workdays/selectors.py) and never sees another test's days."""
    from workdays.selectors import forget_cached_years

    forget_cached_years()


@pytest.fixture(scope="session", autouse=True)
def _visit_types_set_aside(request, django_db_blocker):
    """The default visit types (visits/migrations/0014) ask every visit for a checklist and
    some for a photo: set aside for the suite, so a test about something else logs a visit
    as it did before them. Tests of visit types ask for the ``visit_types`` fixture.

    Only in a test database: a run whose tests use none sets none up (pytest-django decides
    as here), and the development database is never touched."""
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, _serialized = _get_databases_for_setup(request.session.items)
    if "default" not in aliases:
        return
    request.getfixturevalue("django_db_setup")
    from visits.models import VisitType

    with django_db_blocker.unblock():
        VisitType.objects.update(is_active=False)


@pytest.fixture
def visit_types(db):
    """The default visit types in use (see ``_visit_types_set_aside``), by code."""
    from visits.defaults import ensure_visit_types
    from visits.models import VisitType

    ensure_visit_types()  # a database flushed by an earlier transactional test lost them
    VisitType.objects.update(is_active=True)
    return {t.code: t for t in VisitType.objects.all()}


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="sup_a")


@pytest.fixture
def team(supervisor):
    return supervisor.team


@pytest.fixture
def manager(team):
    return ManagerFactory(username="mgr_a1", team=team)


@pytest.fixture
def teammate(team):
    return ManagerFactory(username="mgr_a2", team=team)


@pytest.fixture
def other_supervisor(db):
    return SupervisorFactory(username="sup_b")


@pytest.fixture
def other_manager(other_supervisor):
    """A manager in another team: must never see the first team's data."""
    return ManagerFactory(username="mgr_b1", team=other_supervisor.team)


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="crm_admin")


def pytest_collection_modifyitems(items):
    """Browser tests share one chromium and topology tests one set of servers: under
    pytest-xdist each kind runs on a single worker, one test after another.

    Schemathesis names every API operation's test with one node id (without the operation);
    pytest-xdist tells tests apart by node id, and would report 23 operations as one. Each
    gets its own id here, as a parametrised test has."""
    for item in items:
        if "[" in item.name and not item.nodeid.endswith(item.name):
            item._id = item.parent.id.child(item.name)  # pytest 9 keeps the node id here
        for kind in ("browser", "topology"):
            if item.get_closest_marker(kind):
                item.add_marker(pytest.mark.xdist_group(kind))


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"crm: database={db} broker={broker} cache={cache}"
