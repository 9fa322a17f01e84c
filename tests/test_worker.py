"""A real Celery worker process, on the configured broker (Redis in CI), applies a roster
the office confirmed, and the effect shows in the database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from campaign import imports
from campaign.models import ImportBatch, Unit
from campaign.outbox import outbox_enqueue
from config.celery import app as celery_app
from tests.test_roster_import import GOOD_ROWS, xlsx

ROOT = Path(__file__).resolve().parent.parent


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """A queue of this test's own, served by a worker process started for it."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    from django.conf import settings

    # The worker reads uploaded files (imports) from this test's MEDIA_ROOT.
    env = dict(os.environ, DATABASE_URL=database_url_of_test_db(), MEDIA_ROOT=str(settings.MEDIA_ROOT))
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    celery_app.conf.task_default_queue = default_queue
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    print(output[-3000:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_a_confirmed_roster(world, worker_queue):
    record = imports.import_upload(
        kind="roster", campaign=world.campaign, by=world.office, filename="名册.xlsx", data=xlsx(GOOD_ROWS)
    )
    assert record.status == ImportBatch.Status.CHECKED
    imports.import_confirm(batch=record, by=world.office)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.FAILED):
            break
        time.sleep(0.5)
    assert record.status == ImportBatch.Status.APPLIED, record.message
    assert Unit.objects.filter(campaign=world.campaign, name="南湖区").exists()


@pytest.fixture
def worker_keeping_sessions(monkeypatch, request) -> str:
    """`worker_queue` with connections kept as in production (the test command may set
    DB_CONN_MAX_AGE=0), its sessions named for this test: the `application_name` to find them by
    (other tests may leave sessions of their own on the test database)."""
    name = f"test-worker-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    monkeypatch.setenv("DB_APPLICATION_NAME", name)
    request.getfixturevalue("worker_queue")
    return name


def _run_job_and_wait(timeout: float = 90):
    """A harmless job through the outbox, waited for until the worker marked it done."""
    message = outbox_enqueue(task="campaign.tasks.clear_expired_sessions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.done_at is not None:
            time.sleep(0.5)  # the task's own end (its connection closed or kept) comes after
            return message
        time.sleep(0.2)
    raise AssertionError(f"the worker did not run the job: {message.last_error}")


def _worker_backends(name: str) -> set[int]:
    """The worker's PostgreSQL sessions on the test database (those named `name`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [name],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sessions are what is counted")
def test_a_worker_keeps_its_database_session_between_jobs_and_replaces_one_a_restart_broke(
    worker_keeping_sessions,
):
    """Celery's Django fixup closed the connection after every job, so each copy-paste check
    paid for a new PostgreSQL backend (bench/README.md, section 8). The worker now keeps it,
    and a session the database dropped is replaced before the next job uses it, which then
    runs at its first attempt."""
    name = worker_keeping_sessions
    first = _run_job_and_wait()
    kept = _worker_backends(name)
    assert len(kept) == 1, "the worker's session ends with its job"
    _run_job_and_wait()
    assert _worker_backends(name) == kept

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [next(iter(kept))])
    after_restart = _run_job_and_wait()
    assert after_restart.run_attempts == 0 and after_restart.last_error == ""
    replaced = _worker_backends(name)
    assert len(replaced) == 1 and replaced != kept
    assert first.last_error == ""
