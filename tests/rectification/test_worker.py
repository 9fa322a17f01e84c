"""The dispatch job through a real Celery worker process: the rounds appear in the database."""

import time

import pytest

from rectification.models import DispatchRound
from rectification.tasks import run_dispatch
from tests.test_worker import worker_queue  # noqa: F401  (the fixture)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_dispatch_job_and_a_second_run_adds_nothing(world, make_measure, worker_queue):  # noqa: F811
    make_measure()
    run_dispatch.apply_async(queue=worker_queue)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not DispatchRound.objects.filter(campaign=world.campaign).exists():
        time.sleep(0.5)
    rounds = DispatchRound.objects.filter(campaign=world.campaign).count()
    assert rounds >= 1
    run_dispatch.apply_async(queue=worker_queue)
    time.sleep(3)
    assert DispatchRound.objects.filter(campaign=world.campaign).count() == rounds
