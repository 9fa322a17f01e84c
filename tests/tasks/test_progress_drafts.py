"""A weekly report is the unit's own until it is first submitted: the office, the inspection
group and leaders do not see the draft or its files, on any page or endpoint."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.services import progress as services
from tests.answers import page_text
from tests.tasks.conftest import MONDAY
from tests.tasks.test_progress_pages import PNG, THURSDAY

READERS = ["office", "inspector", "leader"]


@pytest.fixture
def draft(tasks_world):
    with time_machine.travel(THURSDAY, tick=False):
        report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
        report = services.report_save(
            report=report,
            by=tasks_world.liaison_a,
            version=report.version,
            data={"highlights": "草稿里的半句话", "next_week_plan": "计划"},
            items={},
        )
        attachment = services.report_attach(
            report=report,
            by=tasks_world.liaison_a,
            upload=SimpleUploadedFile("草稿照片.png", PNG, content_type="image/png"),
        )
        report.attachment = attachment
        yield report


def submit(report, liaison):
    services.report_submit(report=report, by=liaison)


@pytest.mark.parametrize("persona", READERS)
def test_a_draft_and_its_files_are_hidden_from_reviewers_and_readers_on_the_pages(
    tasks_world, draft, browser_as, persona
):
    client = browser_as(getattr(tasks_world, persona))
    assert client.get(f"/progress/{draft.pk}/").status_code == 404
    assert client.get(f"/progress/attachments/{draft.attachment.pk}/").status_code == 404
    with time_machine.travel(THURSDAY, tick=False):
        grid = client.get("/progress/grid/?week=2026-W48").content.decode()
    assert f"/progress/{draft.pk}/" not in grid


@pytest.mark.parametrize("persona", READERS)
def test_a_draft_is_hidden_from_reviewers_and_readers_in_the_api(tasks_world, draft, api_as, persona):
    api = api_as(getattr(tasks_world, persona))
    assert api.get(f"/api/v1/progress-reports/{draft.pk}/").status_code == 404
    assert api.get("/api/v1/progress-reports/").json()["results"] == []
    assert api.get("/api/v1/progress-reports/?status=draft").json()["results"] == []


@pytest.mark.parametrize("persona", READERS)
def test_once_submitted_the_report_and_its_files_are_visible_to_them(tasks_world, draft, browser_as, api_as, persona):
    with time_machine.travel(THURSDAY, tick=False):
        submit(draft, tasks_world.liaison_a)
    user = getattr(tasks_world, persona)
    client = browser_as(user)
    assert "草稿里的半句话" in client.get(f"/progress/{draft.pk}/").content.decode()
    assert client.get(f"/progress/attachments/{draft.attachment.pk}/").status_code == 200
    with time_machine.travel(THURSDAY, tick=False):
        assert f"/progress/{draft.pk}/" in client.get("/progress/grid/?week=2026-W48").content.decode()
    assert [r["id"] for r in api_as(user).get("/api/v1/progress-reports/").json()["results"]] == [draft.pk]


def test_the_units_liaison_sees_and_downloads_their_own_draft(tasks_world, draft, browser_as, api_as):
    client = browser_as(tasks_world.liaison_a)
    assert "草稿里的半句话" in client.get(f"/progress/{draft.pk}/").content.decode()
    assert client.get(f"/progress/attachments/{draft.attachment.pk}/").status_code == 200
    page = client.get(f"/progress/{draft.pk}/edit/").content.decode()
    assert "只有本单位联络员" in page  # the site speaks Chinese unless the person asks otherwise
    results = api_as(tasks_world.liaison_a).get("/api/v1/progress-reports/").json()["results"]
    assert [r["id"] for r in results] == [draft.pk]


def test_a_returned_report_stays_visible_to_its_reviewers(tasks_world, draft, browser_as):
    with time_machine.travel(THURSDAY, tick=False):
        submit(draft, tasks_world.liaison_a)
        services.report_return(report=draft, by=tasks_world.inspector, comment="请补充")
    client = browser_as(tasks_world.inspector)
    page = client.get(f"/progress/{draft.pk}/")
    assert page.status_code == 200
    assert "草稿里的半句话" in page_text(page) and "请补充" in page_text(page)  # the report and why it went back
    download = client.get(f"/progress/attachments/{draft.attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
