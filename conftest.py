"""Fixtures shared by every app's tests: two teams, each with a supervisor and managers."""

import pytest

from accounts.tests.factories import AdminFactory, ManagerFactory, SupervisorFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session", autouse=True)
def _empty_file_cache():
    """Without Redis, start from an empty file cache: it outlives a run, and the sessions and
    checked imports of earlier runs would crowd it. (Redis is never cleared: it may be the
    broker too, and holds no entry limit.)"""
    from django.core.cache import caches
    from django.core.cache.backends.filebased import FileBasedCache

    if isinstance(caches["default"], FileBasedCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_dashboards(settings):
    """Dashboards compute their figures on every request in tests, which change data and
    look again within a second (dashboards/tests/test_caching.py turns the cache on)."""
    settings.CRM_DASHBOARD_CACHE_SECONDS = 0


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


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"crm: database={db} broker={broker} cache={cache}"
