"""A beat scheduler that sends only while it holds a lock in the shared cache (Redis in
production), so a second beat started by mistake sends nothing: it waits, and takes
over within CRM_BEAT_LOCK_SECONDS if the first one stops."""

from __future__ import annotations

import logging
import os
import socket
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
    """``CELERY_BEAT_SCHEDULER``: the default scheduler, sending only under the beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock = BeatLock(settings.CRM_BEAT_LOCK_SECONDS)
        self.holding = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        # Renew well before the lock expires, and look again as often while waiting.
        renew_every = max(self.lock.ttl / 3, 1)
        if not self.lock.acquire():
            if self.holding or not hasattr(self, "_told_waiting"):
                log.warning("Another beat (%s) holds the lock: this one sends nothing and waits.", self.lock.holder())
                self._told_waiting = True
            self.holding = False
            return renew_every
        if not self.holding:
            log.info("Beat lock taken (%s): sending the schedule.", self.lock.token)
            self.holding = True
        return min(super().tick(*args, **kwargs), renew_every)

    def close(self):
        super().close()
        self.lock.release()
