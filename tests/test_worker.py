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
