"""A beat scheduler that sends only while it holds a lock in the shared cache (Redis in
production), so a second beat started by mistake sends nothing: it waits, and takes
over within CRM_BEAT_LOCK_SECONDS if the first one stops. The beat holding the lock
records its own heartbeat (for /readyz and the admin)."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

LOCK_KEY = "crm:beat:lock"


class BeatLock:
    """A lock that expires unless renewed: ``cache.add`` takes it only when free (SET NX
    on Redis), the holder renews it by writing its own token again."""

    def __init__(self, ttl: int, key: str = LOCK_KEY):
        self.ttl = ttl
        self.key = key
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        if cache.add(self.key, self.token, timeout=self.ttl):
            return True
        if cache.get(self.key) == self.token:
            cache.set(self.key, self.token, timeout=self.ttl)  # renew
            return True
        return False

    def release(self) -> None:
        if cache.get(self.key) == self.token:
            cache.delete(self.key)

    def holder(self) -> str | None:
        return cache.get(self.key)


class LockedScheduler(PersistentScheduler):
    """``CELERY_BEAT_SCHEDULER``: the default scheduler, sending only under the beat lock.

    If the cache cannot be reached, this beat does not send (it cannot know whether
    another one does) and tries again; it never stops because of it."""

    def __init__(self, *args, **kwargs):
        self.lock = BeatLock(settings.CRM_BEAT_LOCK_SECONDS)
        self.holding = False
        self.waiting_told = False
        self.heartbeat_at = 0.0
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        # Renew well before the lock expires, and look again as often while waiting.
        renew_every = max(self.lock.ttl / 3, 1)
        try:
            holding = self.lock.acquire()
        except Exception:
            log.warning("Beat lock unavailable (cache unreachable): sending nothing for now.", exc_info=True)
            holding = False
        if not holding:
            if self.holding or not self.waiting_told:
                log.warning("Another beat (%s) holds the lock: this one sends nothing and waits.", self._holder())
                self.waiting_told = True
            self.holding = False
            return renew_every
        if not self.holding:
            log.info("Beat lock taken (%s): sending the schedule.", self.lock.token)
            self.holding = True
        self.record_heartbeat()
        return min(super().tick(*args, **kwargs), renew_every, settings.CRM_HEARTBEAT_SECONDS)

    def record_heartbeat(self) -> None:
        if time.monotonic() - self.heartbeat_at < settings.CRM_HEARTBEAT_SECONDS:
            return
        from notifications.heartbeats import record, release_connection

        try:
            record("beat", "beat", f"lock {self.lock.token}")
            self.heartbeat_at = time.monotonic()
        except Exception:
            log.warning("beat heartbeat not recorded", exc_info=True)
        finally:
            release_connection()

    def _holder(self) -> str | None:
        try:
            return self.lock.holder()
        except Exception:  # noqa: BLE001
            return None

    def close(self):
        super().close()
        try:
            self.lock.release()
        except Exception:  # noqa: BLE001 (the lock then expires by itself)
            log.warning("beat lock not released; it expires in %s s", self.lock.ttl)
