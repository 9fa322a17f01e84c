"""A ledger longer than a request may take is written by a worker: the list's export link
opens a page that follows the job, then offers the file to the person who asked (nobody else);
the file is the same ledger the request would have answered, and old files are swept."""

import datetime as dt
import os
import time
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from campaign.export_jobs import export_job_run, export_jobs_sweep
from campaign.models import ExportJob
from rectification.services import ledger
from tests.rectification.conftest import at
from tests.test_worker import worker_queue  # noqa: F401 - the fixture

URL = "/rectification/measures/?export=xlsx&level=unit"


def english(client):
    client.cookies["django_language"] = "en"
    return client


def _sheet(content: bytes):
    return load_workbook(BytesIO(content)).active


def _download(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def measures(world, make_problem, make_measure):
    problem = make_problem(title="=审批时限长")  # a title that reads like a formula stays text
    make_measure(problem=problem, deadline=dt.date(2026, 10, 3))
    make_measure(problem=problem, deadline=dt.date(2027, 1, 31), content="推行告知承诺制")
    make_measure(unit=world.unit_b)
    return problem


def test_a_long_ledger_is_written_by_a_job_and_is_the_ledger_the_request_would_have_given(
    world, measures, browser_as, settings
):
    office = english(browser_as(world.office))
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        answered = office.get(URL)  # short enough to be answered in the request
        settings.EXPORT_INLINE_MAX_ROWS = 2
        response = office.get(URL)
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
        waiting = office.get(f"/exports/{job.pk}/").content.decode()
        assert "Queued" in waiting and 'hx-trigger="every 2s"' in waiting and "Download" not in waiting

        export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_done == job.rows_total == 3
    page = office.get(f"/exports/{job.pk}/").content.decode()
    assert f"/exports/{job.pk}/download/" in page and "hx-trigger" not in page
    sheet, before = _sheet(_download(office.get(f"/exports/{job.pk}/download/"))), _sheet(answered.content)
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(r) for r in before.iter_rows(values_only=True)]
    assert len(list(sheet.iter_rows(min_row=2))) == 3
    # Printed and shown as the ledger always was: frozen header, header on every page, caption.
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 8
    assert "level=unit" in sheet.oddHeader.center.text and world.campaign.name in sheet.oddHeader.center.text
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=1, column=1).fill.fgColor.rgb == before.cell(row=1, column=1).fill.fgColor.rgb
    light = headers.index("Light") + 1
    assert sheet.cell(row=2, column=light).fill.fgColor.rgb == "00" + ledger.LIGHT_FILLS["red"]
    deadline = headers.index("Deadline") + 1
    assert sheet.cell(row=2, column=deadline).number_format == "yyyy-mm-dd"
    title = sheet.cell(row=2, column=headers.index("Problem") + 1)
    assert title.value == "=审批时限长" and title.data_type == "s"


def test_only_the_person_who_asked_sees_the_job_and_its_file(world, measures, browser_as, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        browser_as(world.liaison_a).get(URL)
        job = ExportJob.objects.get()
        export_job_run(job_id=job.pk)
    # The liaison's ledger holds their unit's measures only, as their list does.
    liaison = browser_as(world.liaison_a)
    assert len(list(_sheet(_download(liaison.get(f"/exports/{job.pk}/download/"))).iter_rows(min_row=2))) == 2
    for other in (world.office, world.liaison_b, world.inspector):
        client = browser_as(other)
        assert client.get(f"/exports/{job.pk}/").status_code == 404
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_a_job_still_being_written_offers_no_file_yet(world, measures, browser_as, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    browser_as(world.office).get(URL)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_done=1000, rows_total=4000)
    page = english(browser_as(world.office)).get(f"/exports/{job.pk}/").content.decode()
    assert "1000 of 4000 rows written" in page and 'value="25"' in page
    assert browser_as(world.office).get(f"/exports/{job.pk}/download/").status_code == 404


def test_old_export_files_are_swept_and_recent_ones_kept(world, measures, browser_as, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        browser_as(world.office).get(URL)
        old = ExportJob.objects.get()
        export_job_run(job_id=old.pk)
    with time_machine.travel(at(dt.date(2026, 10, 11), hour=11), tick=False):
        browser_as(world.office).get(URL)
        recent = ExportJob.objects.exclude(pk=old.pk).get()
        export_job_run(job_id=recent.pk)
        old.refresh_from_db()
        path = old.file.path
        assert os.path.exists(path)

        assert export_jobs_sweep() == 1

    assert not os.path.exists(path)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.fixture
def media_for_worker(settings, monkeypatch):
    """The worker process writes where this test reads."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_ledger_that_the_page_then_offers(
    world,
    make_problem,
    make_measure,
    browser_as,
    settings,
    media_for_worker,
    worker_queue,  # noqa: F811
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    for n in range(3):
        make_measure(problem=make_problem(title=f"问题{n}"))
    office = browser_as(world.office)
    response = office.get(URL)
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_pending:
            break
        time.sleep(0.5)
    assert job.status == ExportJob.Status.DONE, job.error
    sheet = _sheet(_download(office.get(f"/exports/{job.pk}/download/")))
    assert sheet.cell(row=1, column=1).value == "序号" and len(list(sheet.iter_rows(min_row=2))) == 3
