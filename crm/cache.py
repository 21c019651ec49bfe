"""Django's Redis cache, made to survive a Redis outage: the cache only ever holds copies
(unread counts, the beat lock, import previews are re-creatable), so while Redis is down
reads are misses and writes are skipped, with a warning, instead of errors that would
turn every page into a 500. After a failure Redis is left alone for a few seconds, so a
Redis that hangs costs one timeout, not one per call. /readyz still reports the outage.
A wrong password or ACL is a configuration error, not an outage: it is raised."""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import AuthenticationError, AuthorizationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
MISCONFIGURED = (AuthenticationError, AuthorizationError)
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


def _tolerant(name: str, fallback):
    @wraps(getattr(RedisCache, name))
    def wrapper(self, *args, **kwargs):
        now = time.monotonic()
        state = self.__dict__.setdefault("_outage", {"down_until": 0.0, "warned_at": 0.0})  # per cache instance
        if now >= state["down_until"]:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except MISCONFIGURED:
                raise
            except OUTAGE:
                state["down_until"] = now + RETRY_AFTER
                if now - state["warned_at"] > 30:  # one warning per half minute, not per call
                    state["warned_at"] = now
                    log.warning("Redis cache unreachable: working without it", exc_info=True)
        return fallback(*args, **kwargs)

    return wrapper


def _constant(value):
    return lambda *args, **kwargs: value


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", _constant(False))
    add = _tolerant("add", _constant(False))  # "not added": e.g. the beat lock is not taken
    set = _tolerant("set", _constant(None))
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    touch = _tolerant("touch", _constant(False))
    delete = _tolerant("delete", _constant(False))
    delete_many = _tolerant("delete_many", _constant(None))
    clear = _tolerant("clear", _constant(False))
