"""Django's Redis cache, made to survive a Redis outage: the cache only ever holds copies
(unread counts, the beat lock, import previews are re-creatable), so while Redis is down
reads are misses and writes are skipped, with a warning, instead of errors that would
turn every page into a 500. /readyz still reports the outage."""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
_last_warning = 0.0


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        global _last_warning
        try:
            return method(self, *args, **kwargs)
        except OUTAGE:
            if time.monotonic() - _last_warning > 30:  # one warning per half minute, not per call
                _last_warning = time.monotonic()
                log.warning("Redis cache unreachable: working without it", exc_info=True)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    return wrapper


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", {})
    has_key = _tolerant("has_key", False)
    add = _tolerant("add", False)  # "not added": e.g. the beat lock is not taken
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", False)
