"""Django's Redis cache, answering as an empty cache while Redis is away.

Everything Dateline keeps in the cache can be rebuilt (pages, thread
payloads, markers), so a Redis outage should make the site slower, not
broken: every call that fails answers as a miss (``get`` its default,
``add`` False, ...) and is logged once per outage. After a failure the
process leaves Redis alone for a moment (``RETRY_SECONDS``) instead of paying
a connection error on every call, then tries again, so the site recovers on
its own when Redis returns. ``/readyz`` asks :meth:`ResilientRedisCache.ping`,
which does raise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
T = TypeVar("T")


class SharedClients(RedisCacheClient):
    """Django's client, with one redis client per connection pool instead of
    a new one for every cache call (building one stores some 180 response
    callbacks: 63 microseconds, on every get and set). A redis client on a
    pool is safe to share between threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # A Redis that does not answer costs a request at most this much.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = SharedClients
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, fallback: T, call: Callable[[], T]) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = call()
        except RedisError as exc:
            with self._lock:
                if self._down_until == 0.0:
                    log.warning("Redis unreachable, serving without cache: %s", exc)
                self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback
        if self._down_until:
            with self._lock:
                if self._down_until:
                    log.warning("Redis is back")
                self._down_until = 0.0
        return result

    def ping(self) -> None:
        """Raise unless Redis answers now (for ``/readyz``)."""
        self._cache.get_client(write=True).ping()

    def add(
        self, key: Any, value: Any, timeout: Any = None, version: Any = None
    ) -> bool:
        return self._call(
            False,
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(
            default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = None, version: Any = None
    ) -> None:
        self._call(
            None,
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = None, version: Any = None) -> bool:
        return self._call(
            False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(
            False, lambda: super(ResilientRedisCache, self).delete(key, version)
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call(
            {}, lambda: super(ResilientRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(
            False, lambda: super(ResilientRedisCache, self).has_key(key, version)
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        result = self._call(
            missing, lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )
        if result is missing:
            raise ValueError(f"Key '{key}' not found (Redis unreachable)")
        return result  # type: ignore[return-value]

    def set_many(
        self, data: dict[Any, Any], timeout: Any = None, version: Any = None
    ) -> list[Any]:
        return self._call(
            list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call(
            None, lambda: super(ResilientRedisCache, self).delete_many(keys, version)
        )

    def clear(self) -> None:
        self._call(None, lambda: super(ResilientRedisCache, self).clear())
