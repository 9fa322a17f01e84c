"""After-commit work is recorded with the change and sent from the record (campaign/outbox.py):
a broker outage delays a copy-paste check, it never loses it nor turns the liaison's committed
submission into an error page."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from campaign.models import OutboxMessage
from campaign.outbox import MAX_RUN_ATTEMPTS, outbox_due, outbox_enqueue, outbox_run, outbox_sweep
from tasks.models import SimilarityFlag, WeeklyProgress
from tasks.services import progress as services
from tests.factories import LiaisonFactory, UnitFactory
from tests.job_support import DEAD_BROKER, OwnRedis, broker, wait_until, worker

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.date(2026, 11, 23)
THURSDAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)
CHECK = "tasks.tasks.flag_similar_reports"


def filled_report(unit, user, text="本周召开专题读书班一期，完成调研走访三次。"):
    report = services.report_open(unit=unit, week_start=MONDAY, by=user)
    return services.report_save(
        report=report,
        by=user,
        version=report.version,
        data={"highlights": text, "problems": "", "next_week_plan": "下周完成读书班总结。"},
        items={},
    )


def submit_page(client, report):
    """The liaison presses Submit on the report's page."""
    data = {"version": report.version, "action": "submit", "highlights": report.highlights}
    data.update({"problems": report.problems, "next_week_plan": report.next_week_plan})
    return client.post(f"/progress/{report.pk}/edit/", data)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY, tick=True):
        yield


def test_a_submission_records_its_copy_paste_check_with_it(world, thursday, django_capture_on_commit_callbacks):
    report = filled_report(world.unit_a, world.liaison_a)
    with django_capture_on_commit_callbacks() as callbacks:
        services.report_submit(report=report, by=world.liaison_a)
    message = OutboxMessage.objects.get(task=CHECK)
    assert message.kwargs == {"report_id": report.pk}
    # Sent once the submission commits (the other callbacks move the cached counts' counters).
    assert message.done_at is None
    assert [c.__qualname__ for c in callbacks].count("outbox_enqueue.<locals>.<lambda>") == 1


def test_a_refused_submission_records_no_check(world, thursday):
    report = services.report_open(unit=world.unit_a, week_start=MONDAY, by=world.liaison_a)
    with pytest.raises(ValidationError):
        services.report_submit(report=report, by=world.liaison_a)  # nothing filled in
    assert not OutboxMessage.objects.exists()


def test_submit_answers_success_when_the_broker_is_down_and_the_check_waits(
    world, thursday, browser_as, django_capture_on_commit_callbacks
):
    report = filled_report(world.unit_a, world.liaison_a)
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = submit_page(browser_as(world.liaison_a), report)
    assert response.status_code == 302 and response["Location"] == f"/progress/{report.pk}/"
    assert WeeklyProgress.objects.get(pk=report.pk).status == "submitted"
    message = OutboxMessage.objects.get(task=CHECK)
    assert message.sent_at is None and message.send_attempts == 1 and "send" in message.last_error
    assert message.next_attempt_at > timezone.now()  # backoff before the sweep tries again
    assert list(outbox_due()) == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        assert list(outbox_due()) == [message]


def test_api_submit_answers_success_when_the_broker_is_down(
    world, thursday, api_as, django_capture_on_commit_callbacks
):
    report = filled_report(world.unit_a, world.liaison_a)
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.liaison_a).post(f"/api/v1/progress-reports/{report.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert OutboxMessage.objects.get(task=CHECK).sent_at is None  # waiting for the sweep


def test_a_job_sent_but_never_run_is_sent_again_after_the_resend_delay(world):
    message = outbox_enqueue(task="campaign.tasks.clear_expired_sessions")
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
    assert list(outbox_due()) == []
    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER + 1)
    with time_machine.travel(later):
        assert list(outbox_due()) == [message]


def test_a_job_runs_once_however_often_it_is_delivered(world, thursday):
    report = filled_report(world.unit_a, world.liaison_a)
    services.report_submit(report=report, by=world.liaison_a)
    message = OutboxMessage.objects.get(task=CHECK)
    assert outbox_run(message_id=message.pk) is True
    assert outbox_run(message_id=message.pk) is False  # a second delivery does nothing
    message.refresh_from_db()
    assert message.done_at is not None and message.run_attempts == 0


COPIED = "本周召开专题读书班一期，完成调研走访三次，形成调研报告两篇并报送。"
OWN_WORDS = "本周走访企业二十家，协调解决融资、用地等难题六项，形成典型案例。"


def submitted_checks(world, texts: list[str]) -> tuple[list[WeeklyProgress], list[OutboxMessage]]:
    """One unit's submission per text, each queued check sent to the broker by its request."""
    reports = []
    for n, text in enumerate(texts):
        unit = UnitFactory(campaign=world.campaign, name=f"报送单位{n}")
        user = LiaisonFactory(unit=unit).user
        reports.append(services.report_submit(report=filled_report(unit, user, text=text), by=user))
    OutboxMessage.objects.filter(task=CHECK).update(sent_at=timezone.now(), send_attempts=1)
    return reports, list(OutboxMessage.objects.filter(task=CHECK).order_by("pk"))


def flagged_pairs() -> set[tuple[int, int]]:
    return set(SimilarityFlag.objects.values_list("report", "other"))


def test_a_worker_checks_the_reports_waiting_with_its_own_and_marks_their_jobs_done(world, thursday):
    reports, jobs = submitted_checks(world, [COPIED, COPIED, OWN_WORDS])

    assert outbox_run(message_id=jobs[-1].pk) is True

    assert not OutboxMessage.objects.filter(task=CHECK, done_at__isnull=True).exists()
    first, second, _own_words = reports
    assert flagged_pairs() == {(first.pk, second.pk), (second.pk, first.pk)}
    # Their own messages arrive later and find the job done.
    assert [outbox_run(message_id=job.pk) for job in jobs[:-1]] == [False, False]
    assert all(job.run_attempts == 0 for job in OutboxMessage.objects.filter(task=CHECK))


def test_a_batch_leaves_a_check_not_yet_sent_or_failed_before_to_its_own_run(world, thursday):
    reports, jobs = submitted_checks(world, [COPIED, COPIED, COPIED])
    OutboxMessage.objects.filter(pk=jobs[0].pk).update(sent_at=None)  # its request has not marked it sent yet
    OutboxMessage.objects.filter(pk=jobs[1].pk).update(run_attempts=1)  # waiting for its backoff

    assert outbox_run(message_id=jobs[2].pk) is True

    waiting = OutboxMessage.objects.filter(task=CHECK, done_at__isnull=True)
    assert set(waiting.values_list("pk", flat=True)) == {jobs[0].pk, jobs[1].pk}


def test_a_batch_that_fails_keeps_nothing_and_leaves_the_other_checks_waiting(world, thursday, monkeypatch):
    from tasks.services import similarity

    reports, jobs = submitted_checks(world, [COPIED, COPIED, OWN_WORDS])
    first, second, _own_words = reports
    flag_one = similarity._flag_one

    def crash_on_the_second(pk, *args):
        if pk == second.pk:
            raise RuntimeError("the worker lost its database")
        return flag_one(pk, *args)

    monkeypatch.setattr(similarity, "_flag_one", crash_on_the_second)
    # The batch fails whole; the worker's own job then runs alone and succeeds.
    assert outbox_run(message_id=jobs[0].pk) is True
    assert flagged_pairs() == {(first.pk, second.pk), (second.pk, first.pk)}  # the first's own check
    waiting = OutboxMessage.objects.filter(task=CHECK, done_at__isnull=True)
    assert set(waiting.values_list("pk", flat=True)) == {jobs[1].pk, jobs[2].pk}
    assert all(job.run_attempts == 0 and job.last_error == "" for job in waiting)
    assert set(outbox_due()) == set(waiting)  # sent again by the next sweep, in case their messages came and went

    monkeypatch.undo()  # once sent again, each runs
    assert [outbox_run(message_id=job.pk) for job in jobs[1:]] == [True, True]
    assert not OutboxMessage.objects.filter(task=CHECK, done_at__isnull=True).exists()
    assert flagged_pairs() == {(first.pk, second.pk), (second.pk, first.pk)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers on one row lock")
@pytest.mark.django_db(transaction=True)
def test_a_delivery_of_a_check_another_workers_batch_is_running_waits_for_it_and_runs_nothing_twice(
    world, thursday, monkeypatch
):
    import threading
    import time

    import psycopg2
    from django.db import connection

    from tasks.services import similarity

    _reports, (job,) = submitted_checks(world, [COPIED])
    checked = []
    monkeypatch.setattr(similarity, "reports_flag_similar", lambda *, report_ids: checked.extend(report_ids) or {})
    other_worker = psycopg2.connect(**connection.get_connection_params())
    with other_worker.cursor() as cursor:  # its batch holds the row, and is running the check
        cursor.execute("SELECT id FROM campaign_outboxmessage WHERE id = %s FOR UPDATE", [job.pk])

    def other_batch_done():
        with other_worker.cursor() as cursor:
            cursor.execute("UPDATE campaign_outboxmessage SET done_at = now() WHERE id = %s", [job.pk])
        other_worker.commit()

    finishing = threading.Timer(0.5, other_batch_done)
    started = time.monotonic()
    finishing.start()
    try:
        assert outbox_run(message_id=job.pk) is False
        assert time.monotonic() - started >= 0.5  # it waited for the other batch, then found the job done
    finally:
        finishing.join()
        other_worker.close()
    assert checked == []  # the check ran once, in the other worker
    job.refresh_from_db()
    assert job.done_at is not None and job.run_attempts == 0


def test_a_failing_job_is_retried_with_backoff_then_given_up_with_its_error(world):
    message = outbox_enqueue(task="tasks.tasks.no_such_job")
    for attempt in range(1, MAX_RUN_ATTEMPTS + 1):
        assert outbox_run(message_id=message.pk) is False
        message.refresh_from_db()
        assert message.run_attempts == attempt and "no_such_job" in message.last_error
    assert message.failed_at is not None and message.done_at is None
    assert message not in outbox_due(now=timezone.now() + dt.timedelta(days=1))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_redis_restarted_during_a_submission_burst_loses_no_submission_and_no_check(world, browser_as):
    """Fifteen liaisons submit; the broker (a Redis without persistence) stops after the fifth
    and comes back empty after the tenth. Every submission answers success, and once Redis is
    back the sweep sends what it lost or never took: every check runs, none twice."""
    redis = OwnRedis()
    redis.start()
    units = [UnitFactory(campaign=world.campaign, name=f"单位{n:02d}") for n in range(15)]
    liaisons = [LiaisonFactory(unit=unit).user for unit in units]
    run = worker()
    try:
        assert run.wait_for("ready."), "the worker did not start"
        with time_machine.travel(THURSDAY, tick=True):
            reports = [
                filled_report(unit, user, text=f"第{n}单位本周工作。")
                for n, (unit, user) in enumerate(zip(units, liaisons, strict=True))
            ]
        answers = []
        with broker("redis://127.0.0.1:6390/0"), time_machine.travel(THURSDAY, tick=True):
            for n, (report, user) in enumerate(zip(reports, liaisons, strict=True)):
                if n == 5:
                    redis.stop()
                if n == 10:
                    redis.start()  # empty: what was queued and not yet run is gone
                answers.append(submit_page(browser_as(user), report).status_code)
            assert answers == [302] * 15
            assert WeeklyProgress.objects.filter(status="submitted").count() == 15
            assert OutboxMessage.objects.filter(task=CHECK).count() == 15
            # Never sent during the outage: waiting for the sweep.
            assert OutboxMessage.objects.filter(task=CHECK, sent_at__isnull=True).count() >= 5
            # Beat's sweep, once the backoff and the resend delay are over.
            later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER + 60)
            with time_machine.travel(later, tick=True):
                outbox_sweep()
        assert wait_until(lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists(), timeout=60)
        checks = OutboxMessage.objects.filter(task=CHECK)
        assert sorted(m.kwargs["report_id"] for m in checks) == sorted(r.pk for r in reports)
        assert all(m.run_attempts == 0 and m.failed_at is None for m in checks)
        assert "Unrecoverable error" not in run.output and run.popen.poll() is None  # it waited for Redis
    finally:
        run.stop()
        redis.stop()


def test_the_office_sees_a_given_up_job_in_the_admin_and_queues_it_again(world, browser_as):
    from campaign.models import User

    User.objects.filter(pk=world.office.pk).update(is_staff=True, is_superuser=True)
    world.office.refresh_from_db()
    message = outbox_enqueue(task="tasks.tasks.no_such_job")
    OutboxMessage.objects.filter(pk=message.pk).update(failed_at=timezone.now(), run_attempts=MAX_RUN_ATTEMPTS)
    client = browser_as(world.office)
    page = client.get("/admin/campaign/outboxmessage/")
    assert page.status_code == 200 and "tasks.tasks.no_such_job" in page.content.decode()
    response = client.post(
        "/admin/campaign/outboxmessage/", {"action": "try_again", "_selected_action": [message.pk]}, follow=True
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.failed_at is None and message.run_attempts == 0
    assert list(outbox_due()) == [message]  # the next sweep sends it


def test_the_sweep_forgets_jobs_done_a_week_ago_and_keeps_given_up_ones(world):
    done = outbox_enqueue(task="campaign.tasks.clear_expired_sessions")
    recent = outbox_enqueue(task="campaign.tasks.clear_expired_sessions")
    given_up = outbox_enqueue(task="tasks.tasks.no_such_job")
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    OutboxMessage.objects.filter(pk=done.pk).update(done_at=eight_days_ago)
    OutboxMessage.objects.filter(pk=recent.pk).update(done_at=timezone.now())
    OutboxMessage.objects.filter(pk=given_up.pk).update(failed_at=eight_days_ago)
    outbox_sweep()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, given_up.pk}


def test_every_job_the_code_records_names_a_registered_task():
    """A misspelt task name would only fail in the worker, after the change committed."""
    import re
    from pathlib import Path

    from config.celery import app as celery_app

    celery_app.loader.import_default_modules()
    root = Path(__file__).resolve().parent.parent
    named = {
        name
        for app in ("campaign", "tasks", "rectification", "reporting", "config")
        for path in (root / app).rglob("*.py")
        for name in re.findall(r'outbox_enqueue\(\s*task="([^"]+)"', path.read_text())
    }
    assert {"tasks.tasks.flag_similar_reports", "campaign.tasks.apply_import"} <= named
    assert named - set(celery_app.tasks) == set()
