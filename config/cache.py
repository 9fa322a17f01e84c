"""The cache, kept from turning a Redis outage into server errors.

Redis holds the cache (counted figures, rate-limit counters, DRF throttles). When it cannot be
reached, a page must still answer: reads find nothing cached (the figures are counted from the
database), writes are dropped, and the rate limits let the request through rather than refuse
everyone (the outbox and the broker have their own recovery, campaign/outbox.py). Each failure
is logged."""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def _degraded(self, operation: str, default):
        logger.warning("cache unreachable (%s): answering without it", operation)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            return self._degraded("get", default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            return self._degraded("get_many", {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            return self._degraded("has_key", False)

    def set(self, key, value, timeout=None, version=None):  # noqa: A003 - Django's name
        try:
            return super().set(key, value, timeout, version)
        except UNREACHABLE:
            return self._degraded("set", None)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            return self._degraded("set_many", list(data))

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            return self._degraded("add", False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE:
            # As if the counter had expired: the caller starts it again (and lets the request in).
            self._degraded("incr", None)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)") from None

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            return self._degraded("delete", False)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            return self._degraded("touch", False)
