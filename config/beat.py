"""One beat only. django-celery-beat's database scheduler, scheduling only while it holds a lock
in the broker's Redis, renewed at every tick (every third of BEAT_LOCK_TIMEOUT at the least).

A second beat started by mistake (or by a restart that overlapped the old one) logs one clear
line saying which beat holds the lock and schedules nothing; it keeps trying and takes over when
the lock expires, i.e. when the first beat has stopped. A beat that cannot renew its lock (Redis
gone) stops scheduling until it holds it again: with the broker down it could not send anything
anyway, and it must not keep scheduling while another beat may have taken over.

Every scheduled job but the sweeps is recorded in the outbox (campaign/outbox.py) and sent from
there, so a broker outage at the scheduled minute delays it rather than skipping it.

Without Redis (the embedded setup's file-system broker) there is nothing to lock in: the beat
says so and runs as it is (`dev.py run` starts exactly one).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid

import redis
from celery.beat import SchedulingError, _evaluate_entry_kwargs
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger("config.beat")

LOCK_KEY = "campaign-tracker:beat-lock"
# Scheduled jobs are recorded in the outbox and sent from there, like after-commit work, so a
# broker down at the scheduled minute (Friday 18:00, the weekly roll-up) delays the job instead
# of skipping it. The sweeps are sent directly: they run every few minutes and a lost one is
# followed by the next (through the outbox they would only add a row a minute).
SENT_DIRECTLY = {"campaign.tasks.sweep_outbox", "reporting.tasks.sweep_rollup_runs"}


def lock_url(broker_url: str) -> str | None:
    """The Redis the lock lives in: the broker's when it is Redis, else the cache's, if any."""
    if broker_url and broker_url.startswith(("redis://", "rediss://")):
        return broker_url
    return settings.REDIS_URL or None


class LockedDatabaseScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self._lock_timeout = max(int(settings.BEAT_LOCK_TIMEOUT), 3)
        self._token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._holding = False
        self._told_standby = False
        self._redis = None
        super().__init__(*args, **kwargs)
        url = lock_url(self.app.conf.broker_url)
        if url:
            self._redis = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        else:
            logger.warning("Beat: no Redis to hold the one-beat lock in; run exactly one beat process.")

    def _hold(self) -> bool:
        """Whether this beat holds the lock now (acquiring or renewing it)."""
        if self._redis is None:
            return True
        timeout_ms = self._lock_timeout * 1000
        try:
            if self._holding:
                # Renew only while the lock is still ours (compare and extend, atomically).
                renewed = self._redis.eval(
                    "if redis.call('get', KEYS[1]) == ARGV[1] then "
                    "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
                    1,
                    LOCK_KEY,
                    self._token,
                    timeout_ms,
                )
                if renewed:
                    return True
                self._holding = False
                logger.error(
                    "Beat %s lost the one-beat lock; it stops scheduling until it holds it again.", self._token
                )
            if self._redis.set(LOCK_KEY, self._token, nx=True, px=timeout_ms):
                self._holding, self._told_standby = True, False
                logger.info("Beat %s holds the one-beat lock and schedules the jobs.", self._token)
                return True
            if not self._told_standby:
                holder = self._redis.get(LOCK_KEY)
                logger.warning(
                    "Another beat (%s) is running and holds the one-beat lock: this beat (%s) schedules "
                    "nothing and takes over only if that one stops.",
                    holder.decode() if holder else "?",
                    self._token,
                )
                self._told_standby = True
        except redis.RedisError as exc:
            if self._holding:
                logger.error("Beat %s cannot renew the one-beat lock (%s); it stops scheduling.", self._token, exc)
            self._holding = False
        return False

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        if entry.task in SENT_DIRECTLY or entry.args:
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        from campaign.outbox import outbox_enqueue

        entry = self.reserve(entry) if advance else entry
        try:
            return outbox_enqueue(task=entry.task, **_evaluate_entry_kwargs(entry.kwargs))
        except Exception as exc:  # the database is down: beat logs it, as a broker error
            raise SchedulingError(f"Couldn't record scheduled task {entry.name}: {exc}") from exc
        finally:
            self._tasks_since_sync += 1
            if self.should_sync():
                self._do_sync()

    def tick(self, *args, **kwargs):
        renew_every = self._lock_timeout / 3
        if not self._hold():
            return renew_every
        return min(super().tick(*args, **kwargs), renew_every)

    def close(self):
        try:
            super().close()
        finally:
            if self._redis is not None and self._holding:
                # Let a waiting beat take over at once, if the lock is still ours.
                with contextlib.suppress(redis.RedisError):
                    self._redis.eval(
                        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
                        "else return 0 end",
                        1,
                        LOCK_KEY,
                        self._token,
                    )
                self._holding = False
