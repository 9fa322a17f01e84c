"""The import pipeline through the API (campaign/api_imports.py): upload and check, confirm,
then the worker's progress, as the office; refused to anyone else, in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import imports
from campaign.models import ImportBatch
from rectification.models import Measure, Problem
from tests.import_support import sheet
from tests.test_import_pipeline import BAD, GOOD, PROBLEM_HEADER

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _file(data: bytes, name: str = "问题清单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_the_office_uploads_confirms_and_follows_an_import_through_the_api(world, api_as):
    api = api_as(world.office)
    url = f"/api/v1/imports/problems/?campaign={world.campaign.pk}"
    checked = api.post(url, {"file": _file(sheet(*GOOD["problems"]))}, format="multipart", **ZH)
    assert checked.status_code == 201, checked.content
    body = checked.json()
    assert (body["status"], body["row_count"], body["errors"]) == ("checked", 3, [])
    assert body["summary"]["problems"] == 2 and body["summary"]["measures"] == 2
    assert Problem.objects.count() == 0  # the check writes nothing

    confirmed = api.post(f"/api/v1/imports/{body['id']}/confirm/", **ZH)
    assert confirmed.status_code == 202 and confirmed.json()["status"] == "queued"
    imports.import_apply(batch_id=body["id"])  # what the worker does with the queued job
    done = api.get(f"/api/v1/imports/{body['id']}/", **ZH).json()
    assert (done["status"], done["progress"], done["row_count"]) == ("applied", 3, 3)
    assert (Problem.objects.count(), Measure.objects.count()) == (2, 2)


def test_a_file_with_bad_rows_answers_every_bad_row_in_chinese_and_cannot_be_confirmed(world, api_as):
    api = api_as(world.office)
    answer = api.post(
        "/api/v1/imports/problems/", {"file": _file(sheet(PROBLEM_HEADER, BAD["problems"]))}, format="multipart", **ZH
    ).json()
    assert answer["status"] == "invalid"
    assert {(e["row"], e["column"]) for e in answer["errors"]} >= {
        (2, "单位"),
        (3, "层级"),
        (3, "来源"),
        (4, "开始日期"),
    }
    assert all(CJK.search(e["message"]) for e in answer["errors"])
    refused = api.post(f"/api/v1/imports/{answer['id']}/confirm/", **ZH)
    assert refused.status_code == 400 and CJK.search(str(refused.json()))
    assert ImportBatch.objects.get().status == "invalid" and Problem.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_or_an_unknown_kind_is_refused_in_chinese(world, api_as):
    api = api_as(world.office)
    wrong = api.post("/api/v1/imports/problems/", {"file": _file(b"x", "list.csv")}, format="multipart", **ZH)
    assert wrong.status_code == 400 and CJK.search(str(wrong.json()["file"]))
    unknown = api.post("/api/v1/imports/houses/", {"file": _file(sheet(*GOOD["problems"]))}, format="multipart", **ZH)
    assert unknown.status_code == 404 and CJK.search(unknown.json()["detail"])
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_imports_through_the_api_and_the_refusal_reads_in_chinese(world, api_as, persona):
    batch = imports.import_upload(
        kind="problems", campaign=world.campaign, by=world.office, filename="a.xlsx", data=sheet(*GOOD["problems"])
    )
    api = api_as(getattr(world, persona))
    answers = [
        api.post("/api/v1/imports/problems/", {"file": _file(sheet(*GOOD["problems"]))}, format="multipart", **ZH),
        api.get(f"/api/v1/imports/{batch.pk}/", **ZH),
        api.post(f"/api/v1/imports/{batch.pk}/confirm/", **ZH),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert all(CJK.search(a.json()["detail"]) and "office" not in a.json()["detail"] for a in answers)
    batch.refresh_from_db()
    assert batch.status == "checked" and ImportBatch.objects.count() == 1 and Problem.objects.count() == 0
