"""`make run` (manage.py prepare_dev) loads the demo once a day into a database: a later
start the same day skips it, a new day or a database made anew loads it again, and a busy
port stops it before anything is done."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import AdminFactory
from tests.clock import TEST_NOW


@pytest.fixture
def seeds(settings, tmp_path, monkeypatch):
    """The demo loads, counted (the real one takes a minute and has its own tests)."""
    settings.VAR_DIR = tmp_path
    loads = []

    def seed_demo(name, **options):
        assert name == "seed_demo"
        loads.append(timezone.localdate())
        if not User.objects.filter(username="admin").exists():
            AdminFactory(username="admin")

    monkeypatch.setattr("accounts.management.commands.prepare_dev.call_command", seed_demo)
    return loads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_demo_loads_once_a_day(seeds):
    call_command("prepare_dev", port=free_port())
    call_command("prepare_dev", port=free_port())
    assert len(seeds) == 1
    with time_machine.travel(TEST_NOW + timedelta(days=1)):
        call_command("prepare_dev", port=free_port())
    assert len(seeds) == 2


@pytest.mark.django_db
def test_a_database_made_anew_loads_the_demo_again(seeds):
    call_command("prepare_dev", port=free_port())
    User.objects.filter(username="admin").delete()
    call_command("prepare_dev", port=free_port())
    assert len(seeds) == 2


@pytest.mark.django_db
def test_a_busy_port_stops_before_anything(seeds):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(CommandError, match="already in use"):
            call_command("prepare_dev", port=taken.getsockname()[1])
    assert seeds == []
