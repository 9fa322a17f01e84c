"""The beat schedule in the database, the Celery task, a real worker, overlapping runs."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection
from django_celery_beat.models import PeriodicTask

from reporting.models import RollupRun, Summary
from reporting.services.rollups import rollup_run
from reporting.tasks import run_rollups
from tests.reporting.conftest import MONDAY, at
from tests.test_worker import worker_queue  # noqa: F401  (fixture)


def test_one_schedule_in_the_database_with_the_rollups_in_shanghai_time(db, settings):
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:LockedDatabaseScheduler"  # the database one, locked
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    weekly = tasks["rollup-weekly"]
    assert (weekly.crontab.hour, weekly.crontab.minute, weekly.crontab.day_of_week) == ("18", "0", "5")
    assert str(weekly.crontab.timezone) == "Asia/Shanghai" and weekly.kwargs == '{"kind": "weekly"}'
    assert (tasks["rollup-daily"].crontab.hour, tasks["rollup-monthly"].crontab.day_of_month) == ("21", "1")
    assert tasks["rectification-dispatch"].task == "rectification.tasks.run_dispatch"
    assert tasks["send-progress-reminders"].interval.every == 900
    assert tasks["clear-expired-sessions"].task == "campaign.tasks.clear_expired_sessions"


def test_the_weekly_task_on_friday_evening_computes_the_week_and_refreshes_the_one_before(world, make_report):
    make_report(world.unit_a)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=4), 18), tick=False):
        assert run_rollups.apply(kwargs={"kind": "weekly"}).get() == 8
    assert Summary.objects.get(kind="weekly", period_start=MONDAY, unit__isnull=True).figures["reports_submitted"] == 1
    # A report for the week before, arriving late, is in its row after the next scheduled run.
    make_report(world.unit_b, week_start=MONDAY, late=True)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=11), 18), tick=False):
        run_rollups.apply(kwargs={"kind": "weekly"}).get()
    week = Summary.objects.get(kind="weekly", period_start=MONDAY, unit__isnull=True).figures
    assert (week["reports_submitted"], week["reports_late"]) == (2, 1)


def test_the_monthly_task_on_the_first_computes_the_month_before(world):
    with time_machine.travel(at(dt.date(2026, 12, 1), 8), tick=False):
        run_rollups.apply(kwargs={"kind": "monthly"}).get()
    assert set(Summary.objects.values_list("period_start", flat=True)) == {dt.date(2026, 10, 1), dt.date(2026, 11, 1)}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_rollup(world, worker_queue):  # noqa: F811
    run_rollups.delay("weekly", MONDAY.isoformat())
    deadline = time.monotonic() + 90
    while (
        time.monotonic() < deadline and not RollupRun.objects.filter(status="succeeded", period_start=MONDAY).exists()
    ):
        time.sleep(0.5)
    assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server with row locks")
@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_of_a_period_do_not_double_anything(world, make_report):
    make_report(world.unit_a)
    errors = []

    def run():
        try:
            rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Summary.objects.filter(kind="weekly").count() == 4
    assert Summary.objects.get(kind="weekly", unit__isnull=True).figures["reports_submitted"] == 1
    assert RollupRun.objects.filter(status="succeeded").count() == 4
