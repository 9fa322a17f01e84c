"""PostgreSQL restarted during a submission burst (issue #12): no report lost, no check lost, no
wrong answer.

The shared PostgreSQL server is never restarted; the outage is made for this test's database
only, by a TCP proxy between the app (the live server and a real worker) and the server
(tests/pg_outage.py) that cuts every open connection mid-burst and refuses new ones for a few
seconds. Meanwhile a liaison gets 503 with Retry-After (JSON from the API, a Chinese page in the
browser), never a 500; one who got 503 submits again and has exactly one submitted report; a
report answered as submitted is stored, and its copy-paste check runs (outbox)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from campaign.models import OutboxMessage
from campaign.outbox import outbox_sweep
from config.celery import app as celery_app
from tasks.models import ReportTransition, SimilarityFlag, WeeklyProgress
from tasks.services import progress as services
from tests.factories import LiaisonFactory, UnitFactory
from tests.job_support import Process, wait_until
from tests.pg_outage import PostgresOutage
from tests.test_outbox import CHECK, THURSDAY, filled_report

LIAISONS = 24
CSRF = "a" * 32  # a CSRF secret of the browser's own, sent as cookie and form field alike
COPIED = "本周组织全体党员开展专题学习，围绕营商环境突出问题走访企业十二家，梳理问题清单并逐项落实整改责任。"

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts PostgreSQL connections")


class Liaison:
    """One liaison at their report's page (browser) or on their phone's app (API)."""

    def __init__(self, base_url: str, report: WeeklyProgress, user, *, api: bool):
        self.address = urlsplit(base_url)
        self.report = report
        self.api = api
        self.version = report.version  # the version the form was opened at
        if api:
            self.headers = {
                "Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
        else:
            browser = Client()
            browser.force_login(user)
            session = browser.cookies[settings.SESSION_COOKIE_NAME].value
            self.headers = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "text/html",
            }

    def submit(self) -> tuple[int, dict, bytes]:
        texts = {name: getattr(self.report, name) for name in services.TEXT_FIELDS}
        if self.api:
            path = f"/api/v1/progress-reports/{self.report.pk}/submit/"
            body = json.dumps({"version": self.version, **texts})
        else:
            path = f"/progress/{self.report.pk}/edit/"
            body = urlencode({"csrfmiddlewaretoken": CSRF, "version": self.version, "action": "submit", **texts})
        http_connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=60)
        try:
            http_connection.request("POST", path, body.encode(), self.headers)
            response = http_connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            http_connection.close()

    def succeeded(self, status: int) -> bool:
        return status == (200 if self.api else 302)


def assert_unavailable(liaison: Liaison, headers: dict, body: bytes) -> None:
    """What a 503 must look like: Retry-After, and JSON or a page the person can read."""
    assert int(headers["Retry-After"]) > 0
    if liaison.api:
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["detail"]
    else:
        assert headers["Content-Type"].startswith("text/html")
        assert "服务暂时不可用" in body.decode()


@pytest.fixture
def outage(live_server):
    """The app's new connections (the live server's, the worker's) go through the proxy; the
    test's own connection, already open, stays direct."""
    db = connection.settings_dict
    connection.ensure_connection()
    proxy = PostgresOutage(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    direct = db["HOST"], db["PORT"]
    db["HOST"], db["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        db["HOST"], db["PORT"] = direct
        proxy.begin()


@pytest.fixture
def worker_on_proxy(outage):
    """A real worker on a queue of this test's own, its database through the proxy."""
    if not str(celery_app.conf.broker_url).startswith("redis"):
        pytest.skip("needs the Redis broker (REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    from tests.test_worker import database_url_of_test_db

    run = Process(
        "worker",
        "-Q",
        queue,
        "--pool=solo",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        env={"DATABASE_URL": database_url_of_test_db(), "CELERY_BROKER_URL": str(celery_app.conf.broker_url)},
    )
    try:
        assert run.wait_for("ready."), run.output
        yield run
    finally:
        celery_app.conf.task_default_queue = default_queue
        run.stop()


@pytest.mark.worker
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_restarted_during_a_submission_burst_loses_no_report_no_check_and_answers_truly(
    world, live_server, outage, worker_on_proxy
):
    units = [UnitFactory(campaign=world.campaign, name=f"单位{n:02d}") for n in range(LIAISONS)]
    users = [LiaisonFactory(unit=unit).user for unit in units]
    with time_machine.travel(THURSDAY, tick=True):
        reports = [
            filled_report(unit, user, text=COPIED if n in (0, LIAISONS - 1) else f"第{n}单位本周完成{n}项工作。")
            for n, (unit, user) in enumerate(zip(units, users, strict=True))
        ]
    # Every other one submits from the API, the rest from the report's page.
    liaisons = [
        Liaison(live_server.url, report, user, api=n % 2 == 0)
        for n, (report, user) in enumerate(zip(reports, users, strict=True))
    ]
    answers: dict[int, list[tuple[int, dict, bytes]]] = {n: [] for n in range(LIAISONS)}

    def submit(n: int) -> None:
        answers[n].append(liaisons[n].submit())

    with time_machine.travel(THURSDAY, tick=True), ThreadPoolExecutor(max_workers=4) as pool:
        # Ten submit at once; PostgreSQL goes down under them, cutting the connections in use.
        first = [pool.submit(submit, n) for n in range(10)]
        assert wait_until(
            lambda: sum(f.done() for f in first) >= 3 and outage.open_connections >= 1, timeout=60, step=0.001
        ), "the burst ended before PostgreSQL could go down under it"
        cut = outage.begin()
        down_at = time.monotonic()
        for future in first:
            future.result()
        # Six submit while it is down.
        for future in [pool.submit(submit, n) for n in range(10, 16)]:
            future.result()
        time.sleep(max(0.0, 3 - (time.monotonic() - down_at)))  # down for 3 s at least
        outage.end()
        # Back: the rest submit, and whoever got 503 submits again.
        for future in [pool.submit(submit, n) for n in range(16, LIAISONS)]:
            future.result()
        refused = [n for n in range(LIAISONS) if answers[n][0][0] == 503]
        for future in [pool.submit(submit, n) for n in refused]:
            future.result()

    assert cut >= 1
    assert all(answers[n][0][0] == 503 for n in range(10, 16))  # refused while down
    for n, tries in answers.items():
        liaison = liaisons[n]
        for status, headers, body in tries:
            assert status != 500, body[:500]
            if status == 503:
                assert_unavailable(liaison, headers, body)
            else:
                assert liaison.succeeded(status), (n, status, body[:500])
        # A success is the last answer anyone got: a 503 was followed by a successful retry.
        assert liaison.succeeded(tries[-1][0]), (n, tries[-1][:1])
    # Every report stored, once, as submitted.
    assert WeeklyProgress.objects.filter(pk__in=[r.pk for r in reports], status="submitted").count() == LIAISONS
    submissions = ReportTransition.objects.filter(report__in=reports, action=ReportTransition.Action.SUBMIT)
    assert sorted(submissions.values_list("report_id", flat=True)) == sorted(r.pk for r in reports)

    # Every check recorded with its submission; what the worker could not run during the outage
    # is sent again by the sweep (once the resend delay is over), and runs.
    checks = OutboxMessage.objects.filter(task=CHECK)
    assert sorted(m.kwargs["report_id"] for m in checks) == sorted(r.pk for r in reports)
    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER + 60)
    with time_machine.travel(later, tick=True):
        outbox_sweep()
    assert wait_until(lambda: not checks.filter(done_at__isnull=True).exists(), timeout=90), worker_on_proxy.output[
        -3000:
    ]
    assert not checks.filter(failed_at__isnull=False).exists()
    # The checks found what they should: the two copied reports flag each other, nothing else.
    flagged = {(flag.report_id, flag.other_id) for flag in SimilarityFlag.objects.all()}
    twins = {reports[0].pk, reports[-1].pk}
    assert flagged and {pk for pair in flagged for pk in pair} == twins
    assert worker_on_proxy.popen.poll() is None  # the worker lived through it


def test_a_submission_whose_answer_was_lost_after_its_save_can_be_sent_again(world, browser_as):
    """The text saved, then the database went away before the submission: the liaison, shown
    503, presses Submit again on the same page (the version they opened) and it goes through,
    rather than being told a colleague saved in between."""
    with time_machine.travel(THURSDAY, tick=True):
        report = filled_report(world.unit_a, world.liaison_a)
        opened_at = report.version
        page = browser_as(world.liaison_a)
        data = {name: getattr(report, name) for name in services.TEXT_FIELDS}
        form = {"version": opened_at, "action": "submit", **data}
        with mock.patch("tasks.services.progress.report_submit", side_effect=OperationalError("server closed")):
            answer = page.post(f"/progress/{report.pk}/edit/", form)
        assert answer.status_code == 503
        report.refresh_from_db()
        assert report.status == "draft" and report.version == opened_at + 1  # the save went through
        again = page.post(f"/progress/{report.pk}/edit/", form)
        assert again.status_code == 302 and again["Location"] == f"/progress/{report.pk}/"
        report.refresh_from_db()
        assert report.status == "submitted"


def test_an_api_submission_sent_again_after_a_lost_answer_goes_through(world, api_as):
    with time_machine.travel(THURSDAY, tick=True):
        report = filled_report(world.unit_a, world.liaison_a)
        body = {"version": report.version, **{name: getattr(report, name) for name in services.TEXT_FIELDS}}
        caller = api_as(world.liaison_a)
        # the submission step of report_save_and_submit (its right checked once, for the save)
        with mock.patch("tasks.services.progress._submit_locked", side_effect=OperationalError("server closed")):
            answer = caller.post(f"/api/v1/progress-reports/{report.pk}/submit/", body, format="json")
        assert answer.status_code == 503 and answer.json()["detail"]
        again = caller.post(f"/api/v1/progress-reports/{report.pk}/submit/", body, format="json")
        assert again.status_code == 200 and again.json()["status"] == "submitted"


def test_an_api_submission_sent_again_after_it_went_through_answers_the_submitted_report(world, api_as):
    """The submission committed, the answer was lost with the connection: the phone sends it
    again and is told it is in, not that the report can no longer be changed."""
    with time_machine.travel(THURSDAY, tick=True):
        report = filled_report(world.unit_a, world.liaison_a)
        body = {"version": report.version, **{name: getattr(report, name) for name in services.TEXT_FIELDS}}
        caller = api_as(world.liaison_a)
        first = caller.post(f"/api/v1/progress-reports/{report.pk}/submit/", body, format="json")
        again = caller.post(f"/api/v1/progress-reports/{report.pk}/submit/", body, format="json")
        assert first.status_code == again.status_code == 200 and again.json()["status"] == "submitted"
        assert ReportTransition.objects.filter(report=report, action="submit").count() == 1
        changed = caller.post(
            f"/api/v1/progress-reports/{report.pk}/submit/", {**body, "highlights": "改过的文字"}, format="json"
        )
        assert changed.status_code == 400  # a different text is a change, refused on a submitted report
        assert api_as(world.liaison_b).post(
            f"/api/v1/progress-reports/{report.pk}/submit/", body, format="json"
        ).status_code in (403, 404)


def test_a_save_typed_against_an_older_version_still_conflicts_when_the_text_differs(world):
    with time_machine.travel(THURSDAY, tick=True):
        report = filled_report(world.unit_a, world.liaison_a)
        opened_at = report.version - 1
        with pytest.raises(services.StaleReport):
            services.report_save(
                report=report,
                by=world.liaison_a,
                version=opened_at,
                data={"highlights": "另一段文字", "problems": "", "next_week_plan": report.next_week_plan},
                items={},
            )
