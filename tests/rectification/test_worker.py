"""The dispatch job through a real Celery worker process: the rounds appear in the database."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from rectification.models import DispatchRound
from rectification.services.dispatch import round_bounds
from rectification.tasks import run_dispatch
from tests.test_worker import worker_queue  # noqa: F401  (the fixture)


def wait_for_rounds(campaign, expected: int, seconds: float = 90) -> int:
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        count = DispatchRound.objects.filter(campaign=campaign).count()
        if count >= expected:
            return count
        time.sleep(0.5)
    return count


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_dispatch_job_and_a_second_run_adds_nothing(world, make_measure, worker_queue):  # noqa: F811
    today = timezone.localdate()
    world.campaign.start_date, world.campaign.end_date = today - dt.timedelta(days=40), today + dt.timedelta(days=60)
    world.campaign.save()  # running today, whatever day the test runs on
    make_measure(start_date=today - dt.timedelta(days=30), deadline=today + dt.timedelta(days=30))
    expected, _opens, _due = round_bounds(campaign=world.campaign, on=timezone.localdate())
    run_dispatch.apply_async(queue=worker_queue)
    assert wait_for_rounds(world.campaign, expected) == expected  # every round up to today's
    run_dispatch.apply_async(queue=worker_queue)
    time.sleep(3)
    assert DispatchRound.objects.filter(campaign=world.campaign).count() == expected
