"""Jobs that survive their workers: a roll-up whose worker is killed mid-run is delivered again
and the period computed; a run left "running" by a dead worker is swept and redone; the previous
period failing does not stop today's; a second beat schedules nothing."""

import datetime as dt
import os
import signal
import time

import psutil
import pytest
import time_machine
from celery.beat import ScheduleEntry
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from campaign.models import Campaign, OutboxMessage
from campaign.outbox import outbox_run
from config.beat import LockedDatabaseScheduler
from config.celery import app as celery_app
from reporting.models import RollupRun, Summary
from reporting.services import rollups
from reporting.services.rollups import RollupFailed, rollup_runs_sweep, rollup_scheduled
from reporting.tasks import run_rollups
from tests.job_support import DEAD_BROKER, OWN_BROKER, OwnRedis, Process, broker, wait_until, worker
from tests.reporting.conftest import MONDAY, at

FRIDAY_EVENING = at(MONDAY + dt.timedelta(days=4), 18)
PAST_TIMEOUT = dt.timedelta(seconds=settings.ROLLUP_RUN_TIMEOUT + 60)
# When a run nobody works on counts as dead: on PostgreSQL, once no session holds its lock.
PAST_DEATH = dt.timedelta(
    seconds=(settings.ROLLUP_RUN_GRACE if connection.vendor == "postgresql" else settings.ROLLUP_RUN_TIMEOUT) + 1
)


@pytest.fixture
def own_redis():
    redis = OwnRedis()
    redis.start()
    yield redis
    redis.stop()


def test_the_idempotent_jobs_go_back_to_the_queue_when_their_worker_dies():
    """Acknowledged after they ran, put back when their process is killed, and handed again by
    Redis within the visibility timeout (30 minutes, not kombu's default hour)."""
    celery_app.loader.import_default_modules()
    for name in (
        "reporting.tasks.run_rollups",
        "reporting.tasks.run_rollup_period",
        "tasks.tasks.flag_similar_reports",
        "campaign.tasks.run_outbox_message",
        "campaign.tasks.apply_roster_import",
    ):
        task = celery_app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name
    if settings.CELERY_BROKER_URL.startswith("redis"):
        timeout = celery_app.conf.broker_transport_options["visibility_timeout"]
        assert timeout == settings.BROKER_VISIBILITY_TIMEOUT < 3600


def test_a_run_left_running_by_a_dead_worker_is_marked_abandoned_and_the_period_redone(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        # What a worker killed inside the run leaves: the record, no rows.
        stale = RollupRun.objects.create(campaign=world.campaign, kind="weekly", period_start=MONDAY)
    with time_machine.travel(FRIDAY_EVENING + dt.timedelta(seconds=10), tick=False):
        assert rollup_runs_sweep() == []  # a run may be about to work on it
    with time_machine.travel(FRIDAY_EVENING + PAST_DEATH, tick=False):
        assert [run.pk for run in rollup_runs_sweep()] == [stale.pk]
        stale.refresh_from_db()
        assert stale.status == "failed" and stale.finished_at is not None
        assert "Abandoned" in stale.error or "放弃" in stale.error
        job = OutboxMessage.objects.get(task="reporting.tasks.run_rollup_period")
        assert job.kwargs == {"campaign_id": world.campaign.pk, "kind": "weekly", "day": MONDAY.isoformat()}
        assert outbox_run(message_id=job.pk) is True
        assert rollup_runs_sweep() == []  # swept once
    assert RollupRun.objects.filter(period_start=MONDAY, status="succeeded").count() == 1
    assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4


def test_an_abandoned_run_whose_period_was_computed_since_is_not_run_again(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        RollupRun.objects.create(campaign=world.campaign, kind="weekly", period_start=MONDAY)
    with time_machine.travel(FRIDAY_EVENING + dt.timedelta(minutes=1), tick=False):
        rollups.rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    with time_machine.travel(FRIDAY_EVENING + PAST_TIMEOUT, tick=False):
        assert len(rollup_runs_sweep()) == 1
    assert not OutboxMessage.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a run's liveness is its session's lock")
def test_a_slow_run_whose_worker_is_alive_is_never_taken_for_abandoned(world):
    """However long a run takes (waiting for another, a big campaign), its session holds its lock
    and the sweep leaves it; the moment that session ends, the run is abandoned."""
    import psycopg2

    with time_machine.travel(FRIDAY_EVENING, tick=False):
        slow = RollupRun.objects.create(campaign=world.campaign, kind="weekly", period_start=MONDAY)
    worker_session = psycopg2.connect(**connection.get_connection_params())
    try:
        with worker_session.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [rollups._run_lock_key(slow)])
        with time_machine.travel(FRIDAY_EVENING + PAST_TIMEOUT + dt.timedelta(hours=2), tick=False):
            assert rollup_runs_sweep() == []
    finally:
        worker_session.close()  # the worker dies
    with time_machine.travel(FRIDAY_EVENING + PAST_DEATH, tick=False):
        assert [run.pk for run in rollup_runs_sweep()] == [slow.pk]


def another_session_sees_it_held(run: RollupRun) -> bool:
    import psycopg2

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [rollups._run_lock_key(run)])
            return not cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a run's liveness is its session's lock")
def test_a_run_holds_its_lock_while_it_works_and_lets_go_when_done(world, monkeypatch):
    held = []
    compute = rollups.compute_period

    def compute_and_look(*, campaign, start, end):
        held.append(another_session_sees_it_held(RollupRun.objects.get(status="running")))
        return compute(campaign=campaign, start=start, end=end)

    monkeypatch.setattr(rollups, "compute_period", compute_and_look)
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        run = rollups.rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    assert held == [True] and run.status == "succeeded"
    assert not another_session_sees_it_held(run)


def test_the_previous_period_failing_does_not_stop_todays(world, monkeypatch):
    compute = rollups.compute_period
    previous_week = MONDAY - dt.timedelta(days=7)

    def compute_failing_last_week(*, campaign, start, end):
        if start == previous_week:
            raise RuntimeError("the database refused last week's query")
        return compute(campaign=campaign, start=start, end=end)

    monkeypatch.setattr(rollups, "compute_period", compute_failing_last_week)
    with time_machine.travel(FRIDAY_EVENING, tick=False), pytest.raises(RollupFailed, match="last week") as failed:
        rollup_scheduled(kind="weekly")
    assert [run.period_start for run in failed.value.runs] == [MONDAY]
    runs = {run.period_start: run for run in RollupRun.objects.all()}
    assert runs[previous_week].status == "failed" and "last week" in runs[previous_week].error
    assert runs[MONDAY].status == "succeeded"
    assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4


def test_a_scheduled_rollup_due_while_the_broker_is_down_waits_in_the_outbox_and_runs(world):
    scheduler = LockedDatabaseScheduler(app=celery_app, lazy=True)
    scheduler._last_sync = time.monotonic()  # just synced: its sync would close the test's connection
    entry = ScheduleEntry(
        name="rollup-weekly", task="reporting.tasks.run_rollups", kwargs={"kind": "weekly"}, app=celery_app
    )
    with time_machine.travel(FRIDAY_EVENING, tick=False), broker(DEAD_BROKER):
        scheduler.apply_async(entry, advance=False)
        job = OutboxMessage.objects.get(task="reporting.tasks.run_rollups")
        assert job.kwargs == {"kind": "weekly"} and job.sent_at is None  # not lost: waiting
        assert outbox_run(message_id=job.pk) is True  # what a worker does once the sweep sent it
    assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4


@pytest.mark.worker
@pytest.mark.skipif(connection.vendor != "postgresql", reason="holds the run on a row lock")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_rollup_gets_the_period_computed_anyway(world, own_redis):
    """The pool child running the weekly roll-up is SIGKILLed while the run is in progress (held
    on the campaign's lock): its message goes back to the queue, the next child runs it and the
    week has its rows; the run the dead child left "running" is swept as abandoned."""
    run = worker(pool="prefork")
    try:
        assert run.wait_for("ready."), "the worker did not start"
        with transaction.atomic():
            # The run (its record written) waits on the campaign's lock while this holds it; NO
            # KEY UPDATE lets the run's record, which refers to the campaign, be written.
            Campaign.objects.select_for_update(no_key=True).get(pk=world.campaign.pk)
            with broker(OWN_BROKER):
                run_rollups.delay("weekly", MONDAY.isoformat())
            assert wait_until(lambda: RollupRun.objects.filter(status="running").exists(), timeout=30)
            killed = RollupRun.objects.get(status="running")
            children = psutil.Process(run.popen.pid).children()
            assert len(children) == 1
            os.kill(children[0].pid, signal.SIGKILL)
            assert wait_until(lambda: "WorkerLostError" in run.output or "SIGKILL" in run.output, timeout=20)
        # The lock is released: the redelivered run goes through.
        assert wait_until(
            lambda: RollupRun.objects.filter(period_start=MONDAY, status="succeeded").exists(), timeout=120
        ), run.output[-3000:]
        assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4
        killed.refresh_from_db()
        assert killed.status == "running"  # until the sweep
        with time_machine.travel(timezone.now() + PAST_TIMEOUT):
            assert killed.pk in [r.pk for r in rollup_runs_sweep()]
        killed.refresh_from_db()
        assert killed.status == "failed"
    finally:
        run.stop()


@pytest.mark.worker
@pytest.mark.skipif(connection.vendor != "postgresql", reason="holds the run on a row lock")
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_rollup_has_its_message_delivered_again_after_the_visibility_timeout(
    world, own_redis
):
    """The whole worker (not a pool child) is SIGKILLed inside the run: nobody can put its message
    back, so Redis hands it to the next worker once the visibility timeout has passed (5 s here,
    30 minutes in production, never kombu's default hour) and the week is computed."""
    quick = {"CELERY_VISIBILITY_TIMEOUT": "5"}
    args = ("worker", "--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO")
    first = Process(*args, env=quick)
    second = None
    try:
        assert first.wait_for("ready."), first.output
        with transaction.atomic():
            Campaign.objects.select_for_update(no_key=True).get(pk=world.campaign.pk)
            with broker(OWN_BROKER):
                run_rollups.delay("weekly", MONDAY.isoformat())
            assert wait_until(lambda: RollupRun.objects.filter(status="running").exists(), timeout=30)
            os.kill(first.popen.pid, signal.SIGKILL)
            first.popen.wait(timeout=10)
        time.sleep(6)  # past the visibility timeout: the next worker to start takes the message back
        second = Process(*args, env=quick)
        assert second.wait_for("ready."), second.output
        assert wait_until(
            lambda: RollupRun.objects.filter(period_start=MONDAY, status="succeeded").exists(), timeout=90
        ), second.output[-3000:]
        assert Summary.objects.filter(kind="weekly", period_start=MONDAY).count() == 4
        with time_machine.travel(timezone.now() + PAST_DEATH):
            assert len(rollup_runs_sweep()) == 1  # the killed run, swept as abandoned
    finally:
        first.stop()
        if second is not None:
            second.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_second_beat_says_so_and_schedules_nothing_until_the_first_stops(world, own_redis):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="test-sessions", task="campaign.tasks.clear_expired_sessions", interval=every_second
    )
    env = {"BEAT_LOCK_TIMEOUT": "3"}
    first = Process("beat", "--loglevel=INFO", env=env)
    second = None
    try:
        assert first.wait_for("holds the one-beat lock"), first.output
        assert first.wait_for("Sending due task test-sessions"), first.output
        assert wait_until(lambda: OutboxMessage.objects.filter(task="campaign.tasks.clear_expired_sessions").exists())
        second = Process("beat", "--loglevel=INFO", env=env)
        assert second.wait_for("Another beat"), second.output
        assert second.wait_for("schedules nothing")
        line = next(line for line in second.lines if "Another beat" in line)
        assert f":{first.popen.pid}:" in line  # it names the beat that holds the lock
        # Meanwhile it sends nothing.
        assert not second.wait_for("Sending due task", timeout=3)
        first.stop()
        # The first one gone, the second takes over and schedules.
        assert second.wait_for("holds the one-beat lock", timeout=15), second.output
        assert second.wait_for("Sending due task test-sessions", timeout=10)
    finally:
        first.stop()
        if second is not None:
            second.stop()
