"""Two liaisons of one unit write the same weekly report: nothing is overwritten without the
writer seeing what they replace, whichever way the save comes (autosave, Save, Submit, a file)."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import ReportAttachment
from tasks.services import progress as services
from tests.factories import LiaisonFactory
from tests.tasks.conftest import MONDAY
from tests.tasks.test_progress_pages import PNG, THURSDAY, form_data, start

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def frozen():
    with time_machine.travel(THURSDAY, tick=False):
        yield


@pytest.fixture
def colleague(tasks_world):
    """The unit's second liaison."""
    return LiaisonFactory(unit=tasks_world.unit_a, user__username="liaison_a2", user__full_name="王二").user


def saved_by_colleague(report, colleague, text="同事保存的亮点"):
    """The colleague saves over the version this page was opened at; answers that old version."""
    opened_at = report.version
    services.report_save(report=report, by=colleague, version=opened_at, data={"highlights": text}, items={})
    return opened_at


def version_in(page: str) -> int | None:
    match = re.search(r'name="version" id="version" value="(\d+)"', page)
    return int(match.group(1)) if match else None


def test_a_stale_autosave_does_not_hand_the_page_the_new_version(tasks_world, colleague, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    opened_at = saved_by_colleague(report, colleague)
    response = client.post(
        f"/progress/{report.pk}/edit/", form_data(report, version=opened_at, highlights="我在手机上打的字"), **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert version_in(page) is None, "a refused autosave must not move the page to the colleague's version"
    assert "同事保存的亮点" in page and "我在手机上打的字" in page
    assert 'name="overwrite"' in page and 'name="rebase"' in page
    # The next keystroke (same old version) is refused again: the colleague's text survives.
    client.post(f"/progress/{report.pk}/edit/", form_data(report, version=opened_at, highlights="再打几个字"), **HTMX)
    report.refresh_from_db()
    assert report.highlights == "同事保存的亮点"


def test_a_stale_save_or_submit_keeps_the_typed_text_and_the_old_version(tasks_world, colleague, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    opened_at = saved_by_colleague(report, colleague)
    for action in ("save", "submit"):
        response = client.post(
            f"/progress/{report.pk}/edit/", form_data(report, version=opened_at, highlights="我的文字", action=action)
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "我的文字" in page and "同事保存的亮点" in page and "王二" in page
        assert version_in(page) == opened_at, "Save or Submit again must still be refused until the liaison chooses"
    report.refresh_from_db()
    assert report.highlights == "同事保存的亮点" and report.status == "draft"


def test_replacing_the_colleagues_text_knowingly_saves_over_exactly_the_version_shown(
    tasks_world, colleague, browser_as, frozen
):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    opened_at = saved_by_colleague(report, colleague)
    report.refresh_from_db()
    shown = report.version
    # Meanwhile the colleague saves again: the version the liaison saw is no longer the latest.
    services.report_save(report=report, by=colleague, version=shown, data={"highlights": "同事第二次保存"}, items={})
    refused = client.post(
        f"/progress/{report.pk}/edit/", form_data(report, version=opened_at, overwrite=shown, highlights="我的文字")
    )
    assert refused.status_code == 200 and "同事第二次保存" in refused.content.decode()
    report.refresh_from_db()
    assert report.highlights == "同事第二次保存"
    replaced = client.post(
        f"/progress/{report.pk}/edit/",
        form_data(report, version=opened_at, overwrite=report.version, highlights="我的文字"),
    )
    assert replaced.status_code == 302
    report.refresh_from_db()
    assert report.highlights == "我的文字" and report.updated_by == tasks_world.liaison_a


def test_starting_from_the_colleagues_text_puts_it_in_the_form_and_keeps_the_typed_text_on_the_page(
    tasks_world, colleague, browser_as, frozen
):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    opened_at = saved_by_colleague(report, colleague)
    report.refresh_from_db()
    response = client.post(
        f"/progress/{report.pk}/edit/",
        form_data(report, version=opened_at, rebase=report.version, highlights="我的文字"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<textarea id="id_highlights"[^>]*>同事保存的亮点</textarea>', page)
    assert "我的文字" in page
    assert version_in(page) == report.version
    report.refresh_from_db()
    assert report.highlights == "同事保存的亮点"


def test_attaching_a_photo_by_autosave_answers_the_new_version_and_the_next_submit_goes_through(
    tasks_world, browser_as, frozen
):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(f"/progress/{report.pk}/edit/", {**form_data(report), "files": [photo]}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200, "an autosave with a file answers the fragments, not a redirect"
    report.refresh_from_db()
    assert version_in(page) == report.version
    assert "现场.png" in page and 'id="evidence"' in page
    assert ReportAttachment.objects.filter(report=report).count() == 1
    submitted = client.post(
        f"/progress/{report.pk}/edit/", form_data(report, version=version_in(page), action="submit")
    )
    assert submitted.status_code == 302 and submitted.url == f"/progress/{report.pk}/"
    report.refresh_from_db()
    assert report.status == "submitted"
    assert ReportAttachment.objects.filter(report=report).count() == 1


def test_a_refused_file_in_an_autosave_names_it_and_still_answers_the_saved_version(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")
    response = client.post(
        f"/progress/{report.pk}/edit/", {**form_data(report, highlights="已保存的字"), "files": [bad]}, **HTMX
    )
    page = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 200 and "病毒.exe" in page
    assert report.highlights == "已保存的字" and version_in(page) == report.version
    assert not ReportAttachment.objects.exists()


def test_an_autosave_after_the_colleague_submitted_says_so_and_changes_nothing(
    tasks_world, colleague, browser_as, frozen
):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    opened_at = report.version
    services.report_save_and_submit(
        report=report,
        by=colleague,
        version=opened_at,
        data={"highlights": "同事提交的", "next_week_plan": "计划"},
        items={},
    )
    response = client.post(f"/progress/{report.pk}/edit/", form_data(report, version=opened_at), **HTMX)
    assert response.status_code == 200 and version_in(response.content.decode()) is None
    report.refresh_from_db()
    assert report.highlights == "同事提交的" and report.status == "submitted"


def test_api_attaching_a_file_leaves_the_version_so_the_next_save_is_not_refused(tasks_world, api_as, frozen):
    report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
    api = api_as(tasks_world.liaison_a)
    version = api.get(f"/api/v1/progress-reports/{report.pk}/").json()["version"]
    uploaded = api.post(
        f"/api/v1/progress-reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png")},
        format="multipart",
    )
    assert uploaded.status_code == 201
    submitted = api.post(
        f"/api/v1/progress-reports/{report.pk}/submit/",
        {"version": version, "highlights": "完成", "next_week_plan": "计划"},
        format="json",
    )
    assert submitted.status_code == 200, submitted.content
    assert [a["original_name"] for a in submitted.json()["attachments"]] == ["现场.png"]


def test_a_file_attached_by_autosave_can_be_removed_from_the_form(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    answer = client.post(f"/progress/{report.pk}/edit/", {**form_data(report), "files": [photo]}, **HTMX)
    attachment = ReportAttachment.objects.get(report=report)
    assert f'formaction="/progress/attachments/{attachment.pk}/delete/"' in answer.content.decode()
    removed = client.post(f"/progress/attachments/{attachment.pk}/delete/", form_data(report))
    assert removed.status_code == 302 and removed.url == f"/progress/{report.pk}/edit/"
    assert not ReportAttachment.objects.filter(report=report).exists()
