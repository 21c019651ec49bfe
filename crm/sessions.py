"""Sessions read from the cache and written through to the database (Django's ``cached_db``),
with a cached copy that lives five minutes at most.

The cache ignores Redis errors so that an outage never takes the pages down (crm/cache.py).
Were a logout's delete to be lost that way, the cached copy would otherwise keep the old
cookie signed in for the rest of the working day; capped, the session ends within minutes,
when the next read falls through to the database row the logout removed.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

CACHED_SECONDS = 300


class _Capped:
    """The session cache, with every entry's timeout capped."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None, version=None):
        timeout = CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
        return self._cache.set(key, value, timeout, version=version)

    async def aset(self, key, value, timeout=None, version=None):
        timeout = CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
        return await self._cache.aset(key, value, timeout, version=version)

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache


class SessionStore(CachedDbStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Capped(self._cache)
