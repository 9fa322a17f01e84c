"""Evidence files are downloadable through the API with the caller's token, under the same access
rules as the pages: another unit's file answers 404, a public report's file is staff-only."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from rectification.services import measures as measure_services
from rectification.services import public as public_services
from tasks.services import progress as progress_services
from tests.answers import API_NOT_AUTHENTICATED, API_NOT_FOUND
from tests.support import numeric_measure

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def png(name="照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def report_with_file(world):
    with time_machine.travel(WEDNESDAY, tick=False):
        report = progress_services.report_open(unit=world.unit_a, week_start=dt.date(2026, 11, 23), by=world.liaison_a)
        attachment = progress_services.report_attach(report=report, by=world.liaison_a, upload=pdf())
        texts = {"highlights": "完成专题读书班", "problems": "无", "next_week_plan": "开展调研"}
        report.refresh_from_db()
        progress_services.report_save(report=report, by=world.liaison_a, version=report.version, data=texts, items={})
        report.refresh_from_db()
        progress_services.report_submit(report=report, by=world.liaison_a)
    return report, attachment


def test_a_report_lists_its_files_at_an_api_address_that_answers_the_file(world, api_as, report_with_file):
    report, attachment = report_with_file
    detail = api_as(world.office).get(f"/api/v1/progress-reports/{report.pk}/").json()
    url = detail["attachments"][0]["file"]
    assert url.endswith(f"/api/v1/report-attachments/{attachment.pk}/")
    assert "/media/" not in url
    response = api_as(world.office).get(url)
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("persona, status", [("liaison_a", 200), ("inspector", 200), ("liaison_b", 404)])
def test_a_report_file_is_for_those_who_may_read_the_report(world, api_as, report_with_file, persona, status):
    _report, attachment = report_with_file
    response = api_as(getattr(world, persona)).get(f"/api/v1/report-attachments/{attachment.pk}/")
    assert response.status_code == status
    if status == 404:
        assert response.json()["detail"]


def test_an_anonymous_caller_gets_no_file(world, report_with_file):
    _report, attachment = report_with_file
    response = APIClient().get(f"/api/v1/report-attachments/{attachment.pk}/")
    assert response.status_code == 401 and response.json() == API_NOT_AUTHENTICATED


def test_a_drafts_file_stays_with_its_unit(world, api_as):
    with time_machine.travel(WEDNESDAY, tick=False):
        report = progress_services.report_open(unit=world.unit_a, week_start=dt.date(2026, 11, 23), by=world.liaison_a)
        attachment = progress_services.report_attach(report=report, by=world.liaison_a, upload=pdf())
    own = api_as(world.liaison_a).get(f"/api/v1/report-attachments/{attachment.pk}/")
    assert own.status_code == 200 and body_of(own) == PDF
    office = api_as(world.office).get(f"/api/v1/report-attachments/{attachment.pk}/")
    assert office.status_code == 404 and office.json() == API_NOT_FOUND


@pytest.fixture
def measure_evidence(world):
    measure = numeric_measure(world, start=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 21))
    entry = measure_services.measure_progress_record(
        by=world.liaison_a, measure=measure, value_reached=50, files=[png()]
    )
    return measure, entry.evidence.get()


@pytest.mark.parametrize(
    "persona, status", [("office", 200), ("liaison_a", 200), ("inspector", 200), ("liaison_b", 404)]
)
def test_measure_evidence_downloads_for_those_who_may_read_the_measure(
    world, api_as, measure_evidence, persona, status
):
    measure, evidence = measure_evidence
    caller = api_as(getattr(world, persona))
    if status == 200:
        listed = caller.get(f"/api/v1/measures/{measure.pk}/").json()["progress"][0]["evidence_files"][0]
        assert listed["name"] == "照片.png"
        assert listed["url"].endswith(f"/api/v1/evidence/{evidence.pk}/")
        response = caller.get(listed["url"])
        assert response.status_code == 200
        assert body_of(response) == PNG
    else:
        assert caller.get(f"/api/v1/measures/{measure.pk}/").status_code == 404
        assert caller.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404


@pytest.fixture
def public_report_file(world):
    with time_machine.travel(WEDNESDAY, tick=False):
        report = public_services.public_report_submit(
            campaign=world.campaign, subject="占道经营", body="菜市场门口占道", files=[png()], address="10.0.0.9"
        )
    return report, report.attachments.get()


@pytest.mark.parametrize("persona, status", [("office", 200), ("leader", 200), ("liaison_a", 403), ("inspector", 404)])
def test_a_public_reports_file_is_for_the_staff_who_read_the_report(world, api_as, public_report_file, persona, status):
    report, attachment = public_report_file
    caller = api_as(getattr(world, persona))
    response = caller.get(f"/api/v1/public-report-attachments/{attachment.pk}/")
    assert response.status_code == status
    if status == 200:
        assert body_of(response) == PNG
        files = caller.get(f"/api/v1/public-reports/{report.pk}/").json()["attachment_files"]
        assert files[0]["url"].endswith(f"/api/v1/public-report-attachments/{attachment.pk}/")
