"""What the job fault tests share: a Redis of their own on port 6390 that they may stop and
start (never the shared one), real Celery worker and beat processes on it, and pointing this
process's Celery app at another broker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from config.celery import app as celery_app
from tests.test_worker import database_url_of_test_db

ROOT = Path(__file__).resolve().parent.parent
OWN_REDIS_PORT = 6390
OWN_BROKER = f"redis://127.0.0.1:{OWN_REDIS_PORT}/0"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class OwnRedis:
    """redis-server on 6390 without persistence: a restart loses every queued message, as a
    broker restarted without its data would."""

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(OWN_REDIS_PORT), "ping"], capture_output=True, text=True, check=False
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("needs redis-server (Debian's redis-server package; .ci/run installs it)")
        if not self.ping():
            subprocess.run(
                [
                    "redis-server",
                    "--port",
                    str(OWN_REDIS_PORT),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "yes",
                ],
                check=True,
                capture_output=True,
            )
        deadline = time.monotonic() + 10
        while not self.ping():
            assert time.monotonic() < deadline, "redis-server on 6390 did not start"
            time.sleep(0.05)
        subprocess.run(["redis-cli", "-p", str(OWN_REDIS_PORT), "flushall"], check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(OWN_REDIS_PORT), "shutdown", "nosave"], capture_output=True, check=False)
        deadline = time.monotonic() + 10
        while self.ping():
            assert time.monotonic() < deadline, "redis-server on 6390 did not stop"
            time.sleep(0.05)


def _reset_producers() -> None:
    # The app keeps a connection pool and a producer pool for the broker it first used.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """This process's Celery app sends to `url` meanwhile."""
    old = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _reset_producers()
    try:
        yield
    finally:
        celery_app.conf.broker_url = old
        _reset_producers()


class Process:
    """A celery process (worker or beat) whose output is collected line by line."""

    def __init__(self, *args: str, env: dict | None = None):
        full_env = dict(os.environ, DATABASE_URL=database_url_of_test_db(), CELERY_BROKER_URL=OWN_BROKER)
        full_env.update(env or {})
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            if self.popen.poll() is not None:
                time.sleep(0.2)
                return text in self.output
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.popen.poll() is not None and not self._reader.is_alive():
            return  # stopped already
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._reader.join(timeout=5)
        print(self.output[-12000:])


def worker(*, pool: str = "solo") -> Process:
    args = ["worker", f"--pool={pool}", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    if pool == "prefork":
        args.append("--concurrency=1")
    return Process(*args, "--loglevel=INFO")


def wait_until(condition, timeout: float = 45, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
