"""Exactly one beat sends: the lock, and the scheduler that sends only while holding it;
named queues and routing; settings for work that must not be lost."""

import pytest
from celery.beat import Scheduler
from django.core.cache import cache

from crm.beat import LOCK_KEY, BeatLock, LockedScheduler
from crm.celery import app
from notifications.models import Heartbeat


@pytest.fixture(autouse=True)
def no_lock():
    cache.delete(LOCK_KEY)
    yield
    cache.delete(LOCK_KEY)


def test_one_holder_at_a_time_and_renewal():
    first, second = BeatLock(ttl=30), BeatLock(ttl=30)
    assert first.acquire()
    assert not second.acquire()
    assert first.acquire()  # renews its own lock
    assert second.holder() == first.token
    first.release()
    assert second.acquire() and not first.acquire()


@pytest.mark.django_db
def test_a_second_beat_sends_nothing_until_the_first_stops(tmp_path, monkeypatch):
    sent = []
    monkeypatch.setattr(Scheduler, "tick", lambda self, *args, **kwargs: sent.append(self) or 5.0)
    first = LockedScheduler(app=app, schedule_filename=str(tmp_path / "first"), lazy=True)
    second = LockedScheduler(app=app, schedule_filename=str(tmp_path / "second"), lazy=True)
    assert first.tick() == 5.0
    assert second.tick() == pytest.approx(first.lock.ttl / 3)  # waits, and looks again
    assert second.tick() and sent == [first]  # only the holder ever sent
    first.lock.release()  # as when the first beat shuts down (close) or its lock expires
    second.tick()
    assert sent == [first, second]
    assert not first.lock.acquire()


@pytest.mark.django_db
def test_the_holding_beat_records_its_heartbeat_and_a_cache_outage_stops_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(Scheduler, "tick", lambda self, *args, **kwargs: 5.0)
    first = LockedScheduler(app=app, schedule_filename=str(tmp_path / "first"), lazy=True)
    second = LockedScheduler(app=app, schedule_filename=str(tmp_path / "second"), lazy=True)
    first.tick(), second.tick()
    beat = Heartbeat.objects.get(kind="beat")
    assert beat.name == "beat" and first.lock.token in beat.detail and beat.is_alive()

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unreachable)
    monkeypatch.setattr(cache, "get", unreachable)
    assert first.tick() == pytest.approx(first.lock.ttl / 3)  # sends nothing, keeps going
    assert first.holding is False
    first.close()  # releasing fails quietly: the lock expires by itself


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("notifications.tasks.run_job", "reminders"),
        ("crm.tasks.ping", "celery"),
        ("notifications.tasks.send_notification_email", "email"),
        ("surveys.tasks.send_invitation", "email"),
        ("surveys.tasks.send_reminder", "email"),
    ],
)
def test_tasks_are_routed_to_named_queues(task, queue):
    assert app.amqp.router.route({}, task, (), {})["queue"].name == queue


def test_a_worker_without_queues_takes_all_and_work_is_not_lost():
    assert {"celery", "reminders", "email"} <= {q.name for q in app.amqp.queues.values()}
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.beat_scheduler == "crm.beat:LockedScheduler"
    if app.conf.broker_url.startswith("redis"):
        assert app.conf.broker_transport_options["visibility_timeout"] > 3600  # beyond the longest retry wait
