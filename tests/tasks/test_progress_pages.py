"""Weekly progress and key tasks through the pages and the API, persona by persona."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tasks.models import KeyTask, ProgressItem, ReportAttachment, WeeklyProgress
from tasks.services import progress as services
from tests.answers import NOT_ALLOWED, NOT_FOUND, page_text, page_title
from tests.factories import UnitFactory, WeeklyProgressFactory
from tests.tasks.conftest import MONDAY

SH = dt.timezone(dt.timedelta(hours=8))
THURSDAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(report, **extra):
    data = {"version": report.version, "highlights": "本周召开读书班。", "problems": "", "next_week_plan": "下周总结。"}
    for item in report.items.all():
        data[f"item-{item.key_task_id}-status"] = item.status
        data[f"item-{item.key_task_id}-note"] = ""
        data[f"item-{item.key_task_id}-value"] = ""
    data.update(extra)
    return data


@pytest.fixture
def frozen():
    with time_machine.travel(THURSDAY, tick=False):
        yield


def start(client):
    response = client.post("/progress/start/", {"week": "2026-11-23"})
    assert response.status_code == 302
    return WeeklyProgress.objects.get(week_start=MONDAY)


def test_liaison_writes_and_submits_this_weeks_report_from_the_form(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    page = client.get(f"/progress/{report.pk}/edit/").content.decode()
    assert "举办专题读书班" in page and "区级调研" in page and "集团整改" not in page
    response = client.post(
        f"/progress/{report.pk}/edit/",
        form_data(report, action="submit", **{f"item-{tasks_world.task_a.pk}-value": "3"}),
    )
    assert response.status_code == 302 and response.url == f"/progress/{report.pk}/"
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.items.get(key_task=tasks_world.task_a).value == 3


def test_a_head_count_target_reads_as_a_whole_number_on_the_form_and_the_task(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    page = client.get(f"/progress/{report.pk}/edit/").content.decode()
    assert "目标 5)" in page and "5.00" not in page
    task_page = client.get(f"/key-tasks/{tasks_world.task_a.pk}/").content.decode()
    assert "5 期" in task_page and "5.00" not in task_page


def _reported_last_week(world, value):
    with time_machine.travel(THURSDAY - dt.timedelta(days=7), tick=False):
        last = services.report_open(unit=world.unit_a, week_start=MONDAY - dt.timedelta(days=7), by=world.liaison_a)
        services.report_save_and_submit(
            report=last,
            by=world.liaison_a,
            version=last.version,
            data={"highlights": "读书班。", "next_week_plan": "继续。"},
            items={world.task_a.pk: {"value": Decimal(value)}},
        )


def test_a_value_lower_than_last_reported_is_asked_about_before_it_is_submitted(tasks_world, browser_as, frozen):
    _reported_last_week(tasks_world, 4)
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    lowered = form_data(report, action="submit", **{f"item-{tasks_world.task_a.pk}-value": "2"})
    response = client.post(f"/progress/{report.pk}/edit/", lowered)
    page = response.content.decode()
    assert response.status_code == 200 and "确认属于更正" in page and "4 → 2" in page and 'name="confirm_lower"' in page
    report.refresh_from_db()
    assert report.status == "draft" and report.items.get(key_task=tasks_world.task_a).value == 2  # kept as typed

    confirmed = form_data(report, action="submit", confirm_lower="1", **{f"item-{tasks_world.task_a.pk}-value": "2"})
    assert client.post(f"/progress/{report.pk}/edit/", confirmed).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.items.get(key_task=tasks_world.task_a).value == 2


def test_a_value_that_rises_or_stays_is_submitted_without_a_question(tasks_world, browser_as, frozen):
    _reported_last_week(tasks_world, 4)
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    response = client.post(
        f"/progress/{report.pk}/edit/",
        form_data(report, action="submit", **{f"item-{tasks_world.task_a.pk}-value": "4"}),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.items.get(key_task=tasks_world.task_a).value == 4


def test_a_finished_task_is_folded_on_the_form_and_still_saved(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, **{f"item-{tasks_world.task_a.pk}-status": "done"}))
    page = client.get(f"/progress/{report.pk}/edit/").content.decode()
    folded = page[page.index('<details class="task-done">') : page.index("</details>")]
    assert "举办专题读书班" in folded and f'name="item-{tasks_world.task_a.pk}-status"' in folded
    assert "区级调研" not in folded


def test_autosave_keeps_a_draft_and_answers_the_new_version(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    response = client.post(
        f"/progress/{report.pk}/edit/", form_data(report, highlights="半截草稿"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.highlights == "半截草稿" and report.status == "draft"
    assert f'value="{report.version}"' in response.content.decode()


def test_a_stale_form_keeps_what_was_typed_and_shows_the_colleagues_text(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    stale_version = report.version
    services.report_save(
        report=report,
        by=tasks_world.liaison_a,
        version=stale_version,
        data={"highlights": "另一窗口保存的内容"},
        items={},
    )
    response = client.post(
        f"/progress/{report.pk}/edit/",
        form_data(report, version=stale_version, highlights="我刚输入的内容", action="save"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "我刚输入的内容" in page and "另一窗口保存的内容" in page
    report.refresh_from_db()
    assert report.highlights == "另一窗口保存的内容"


def test_a_wrong_file_type_is_refused_with_its_name_and_the_text_is_kept(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")
    response = client.post(f"/progress/{report.pk}/edit/", {**form_data(report, action="save"), "files": [bad]})
    assert response.status_code == 200
    assert "病毒.exe" in response.content.decode()
    assert not ReportAttachment.objects.exists()


def test_evidence_photo_is_attached_and_downloadable_only_by_those_who_see_the_report(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    client.post(f"/progress/{report.pk}/edit/", {**form_data(report, action="save"), "files": [photo]})
    attachment = ReportAttachment.objects.get()
    assert (attachment.report, attachment.original_name) == (report, "现场.png")
    download = client.get(f"/progress/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    for persona in (tasks_world.liaison_b, tasks_world.other_inspector):
        refused = browser_as(persona).get(f"/progress/attachments/{attachment.pk}/")
        assert refused.status_code == 404 and page_title(refused) == NOT_FOUND


def test_inspector_returns_with_a_comment_and_the_liaison_sees_it(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, action="submit"))
    inspector = browser_as(tasks_world.inspector)
    assert 'name="decision" value="return"' in inspector.get(f"/progress/{report.pk}/").content.decode()
    inspector.post(f"/progress/{report.pk}/review/", {"decision": "return", "comment": "请补充照片"})
    report.refresh_from_db()
    assert report.status == "returned"
    page = client.get(f"/progress/{report.pk}/edit/").content.decode()
    assert "请补充照片" in page


@pytest.mark.parametrize("persona", ["liaison_b", "other_inspector"])
def test_another_units_report_page_is_404(tasks_world, browser_as, frozen, persona):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, action="save", highlights="本单位的工作亮点"))
    report.refresh_from_db()
    assert report.highlights == "本单位的工作亮点"
    page = browser_as(getattr(tasks_world, persona)).get(f"/progress/{report.pk}/")
    assert page.status_code == 404 and page_title(page) == NOT_FOUND
    assert "本单位的工作亮点" not in page_text(page)


def test_leader_reads_a_report_but_cannot_review_it(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, action="submit"))
    leader = browser_as(tasks_world.leader)
    assert leader.get(f"/progress/{report.pk}/").status_code == 200
    leader.post(f"/progress/{report.pk}/review/", {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_inspector_cannot_edit_a_units_report(tasks_world, browser_as, frozen):
    report = start(browser_as(tasks_world.liaison_a))
    response = browser_as(tasks_world.inspector).post(f"/progress/{report.pk}/edit/", form_data(report))
    assert response.status_code == 404  # a draft is the unit's own: for the inspector it does not exist
    report.refresh_from_db()
    assert report.highlights == ""


def test_grid_shows_states_and_is_cut_to_the_inspectors_units(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, action="submit"))
    page = browser_as(tasks_world.inspector).get("/progress/grid/").content.decode()
    assert "市发展改革委" in page and "中山区" not in page
    assert f"/progress/{report.pk}/" in page
    office_page = browser_as(tasks_world.office).get("/progress/grid/?kind=district").content.decode()
    assert "中山区" in office_page and "市发展改革委" not in office_page


def test_grid_query_count_does_not_grow_with_units_or_reports(
    tasks_world, browser_as, frozen, django_assert_max_num_queries
):

    client = browser_as(tasks_world.office)
    with django_assert_max_num_queries(20):
        client.get("/progress/grid/")
    for unit in UnitFactory.create_batch(30, campaign=tasks_world.campaign):
        WeeklyProgressFactory(unit=unit, week_start=MONDAY, created_by=tasks_world.office)
    with django_assert_max_num_queries(20):
        client.get("/progress/grid/")


def test_the_grid_exports_every_units_week_as_words_cut_to_the_inspectors_units(tasks_world, browser_as, frozen):
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    client.post(f"/progress/{report.pk}/edit/", form_data(report, action="submit"))
    sheet = load_workbook(BytesIO(browser_as(tasks_world.office).get("/progress/grid/?export=xlsx").content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in sheet[1]]
    this_week = header.index("2026-W48")
    assert rows["市发展改革委"][this_week] == "已提交" and rows["中山区"][this_week] == "未到期"
    assert header[-1] == "未报" and rows["中山区"][-1] >= 1  # earlier weeks missed
    assert "填报情况" in sheet.oddHeader.center.text or "报送" in sheet.oddHeader.center.text
    inspector = load_workbook(BytesIO(browser_as(tasks_world.inspector).get("/progress/grid/?export=xlsx").content))
    assert [row[1] for row in inspector.active.iter_rows(min_row=2, values_only=True)] == ["市发展改革委"]


def test_office_urges_all_missing_units_from_the_grid(tasks_world, browser_as, frozen):
    from campaign.models import Notification

    response = browser_as(tasks_world.office).post("/progress/urge/", {"week": "2026-W48"})
    assert response.status_code == 302
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"liaison_a", "liaison_b"}


def test_office_reminds_one_unit_from_its_row_of_the_grid(tasks_world, browser_as, frozen):
    from campaign.models import Notification

    client = browser_as(tasks_world.office)
    page = client.get("/progress/grid/").content.decode()
    assert page.count('name="unit" value=') == 3  # every unit has nothing in for the week
    response = client.post("/progress/urge/", {"week": "2026-W48", "unit": str(tasks_world.unit_b.pk)})
    assert response.status_code == 302
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"liaison_b"}
    assert client.post("/progress/urge/", {"week": "2026-W48", "unit": "abc"}).status_code == 302  # not a 500


def test_inspector_cannot_urge(tasks_world, browser_as, frozen):
    from campaign.models import Notification

    assert browser_as(tasks_world.inspector).post("/progress/urge/", {"week": "2026-W48"}).status_code == 403
    assert not Notification.objects.exists()


# --- API ---------------------------------------------------------------------------------


def test_api_liaison_opens_saves_and_submits(tasks_world, api_as, frozen):
    api = api_as(tasks_world.liaison_a)
    opened = api.post("/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json")
    assert opened.status_code == 201, opened.content
    report = opened.json()
    saved = api.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {
            "version": report["version"],
            "highlights": "完成读书班",
            "next_week_plan": "总结",
            "items": [{"key_task": tasks_world.task_a.pk, "status": "done", "value": "5"}],
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    stale = api.patch(
        f"/api/v1/progress-reports/{report['id']}/", {"version": report["version"], "highlights": "x"}, format="json"
    )
    assert stale.status_code == 409
    submitted = api.post(f"/api/v1/progress-reports/{report['id']}/submit/")
    assert submitted.json()["status"] == "submitted"


def test_api_liaison_saves_and_submits_in_one_request(tasks_world, api_as, frozen):
    api = api_as(tasks_world.liaison_a)
    report = api.post(
        "/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json"
    ).json()
    submitted = api.post(
        f"/api/v1/progress-reports/{report['id']}/submit/",
        {
            "version": report["version"],
            "highlights": "完成读书班第一期",
            "next_week_plan": "读书班总结",
            "items": [{"key_task": tasks_world.task_a.pk, "status": "done", "note": "已完成", "value": "5"}],
        },
        format="json",
    )
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["highlights"] == "完成读书班第一期"
    item = next(i for i in body["items"] if i["key_task"] == tasks_world.task_a.pk)
    assert item["status"] == "done" and item["note"] == "已完成"
    history = ProgressItem.history.filter(key_task=tasks_world.task_a, history_type="~").latest("history_id")
    assert history.note == "已完成" and history.history_user == tasks_world.liaison_a


def test_api_one_request_submission_refused_for_a_missing_plan_keeps_the_text_as_a_draft(tasks_world, api_as, frozen):
    api = api_as(tasks_world.liaison_a)
    report = api.post(
        "/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json"
    ).json()
    refused = api.post(
        f"/api/v1/progress-reports/{report['id']}/submit/",
        {"version": report["version"], "highlights": "完成读书班第一期"},
        format="json",
    )
    assert refused.status_code == 400
    assert "next week" in str(refused.json()).lower() or "下周" in str(refused.json())
    saved = WeeklyProgress.objects.get(pk=report["id"])
    assert saved.status == "draft" and saved.highlights == "完成读书班第一期"


def test_api_one_request_submission_with_a_stale_version_changes_nothing(tasks_world, api_as, frozen):
    api = api_as(tasks_world.liaison_a)
    report = api.post(
        "/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json"
    ).json()
    api.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {"version": report["version"], "highlights": "同事写的"},
        format="json",
    )
    stale = api.post(
        f"/api/v1/progress-reports/{report['id']}/submit/",
        {"version": report["version"], "highlights": "我的", "next_week_plan": "计划"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["highlights"] == "同事写的"
    saved = WeeklyProgress.objects.get(pk=report["id"])
    assert saved.status == "draft" and saved.highlights == "同事写的"


def test_api_liaison_cannot_open_another_units_report(tasks_world, api_as, frozen):
    response = api_as(tasks_world.liaison_a).post(
        "/api/v1/progress-reports/", {"unit": tasks_world.unit_b.pk, "week": "2026-W48"}, format="json"
    )
    assert response.status_code == 403
    assert not WeeklyProgress.objects.exists()


def test_api_liaison_cannot_read_or_submit_another_units_report(tasks_world, api_as, frozen):
    report = services.report_open(unit=tasks_world.unit_b, week_start=MONDAY, by=tasks_world.liaison_b)
    api = api_as(tasks_world.liaison_a)
    assert api.get(f"/api/v1/progress-reports/{report.pk}/").status_code == 404
    assert api.post(f"/api/v1/progress-reports/{report.pk}/submit/").status_code == 404
    report.refresh_from_db()
    assert report.status == "draft"


def test_api_liaison_cannot_accept_their_own_report(tasks_world, api_as, frozen):
    api = api_as(tasks_world.liaison_a)
    report = api.post(
        "/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json"
    ).json()
    api.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {"version": report["version"], "highlights": "完成", "next_week_plan": "总结"},
        format="json",
    )
    api.post(f"/api/v1/progress-reports/{report['id']}/submit/")
    assert api.post(f"/api/v1/progress-reports/{report['id']}/accept/").status_code == 403
    assert WeeklyProgress.objects.get().status == "submitted"


def test_api_inspector_returns_and_the_list_filters_by_week(tasks_world, api_as, frozen):
    report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
    services.report_save(
        report=report,
        by=tasks_world.liaison_a,
        version=report.version,
        data={"highlights": "完成", "next_week_plan": "总结"},
        items={},
    )
    services.report_submit(report=report, by=tasks_world.liaison_a)
    api = api_as(tasks_world.inspector)
    assert api.post(f"/api/v1/progress-reports/{report.pk}/return/", {}, format="json").status_code == 400
    returned = api.post(f"/api/v1/progress-reports/{report.pk}/return/", {"comment": "补充"}, format="json")
    assert returned.json()["status"] == "returned"
    assert [r["id"] for r in api.get("/api/v1/progress-reports/?week=2026-W48").json()["results"]] == [report.pk]
    assert api.get("/api/v1/progress-reports/?week=2026-W47").json()["results"] == []


def test_api_attachment_upload_refuses_a_bad_file(tasks_world, api_as, frozen):
    report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
    api = api_as(tasks_world.liaison_a)
    bad = api.post(
        f"/api/v1/progress-reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf")},
        format="multipart",
    )
    assert bad.status_code == 400 and "x.pdf" in str(bad.json())
    good = api.post(
        f"/api/v1/progress-reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile("y.pdf", b"%PDF-1.4 test")},
        format="multipart",
    )
    assert good.status_code == 201


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_api_only_the_office_writes_key_tasks(tasks_world, api_as, persona):
    response = api_as(getattr(tasks_world, persona)).post(
        "/api/v1/key-tasks/",
        {
            "campaign": tasks_world.campaign.pk,
            "number": 9,
            "title": "新任务",
            "work_line": "push",
            "lead_unit": tasks_world.unit_a.pk,
            "deadline": "2026-12-31",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not KeyTask.objects.filter(number=9).exists()


def test_api_key_task_list_is_cut_and_filterable(tasks_world, api_as):
    rows = api_as(tasks_world.liaison_b).get("/api/v1/key-tasks/").json()["results"]
    assert [r["number"] for r in rows] == [2]
    overdue = api_as(tasks_world.office).get("/api/v1/key-tasks/?status=overdue").json()["results"]
    assert [r["number"] for r in overdue] == [3]


# --- Key-task import and export --------------------------------------------------------------

HEADER = ["序号", "任务名称", "工作主线", "牵头单位", "配合单位", "完成时限", "完成标准", "计量单位", "目标值"]


def sheet(rows) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_key_task_import_reports_each_bad_row_and_writes_nothing(tasks_world, browser_as):
    data = sheet(
        [
            [4, "好任务", "理论学习", "市发展改革委", "中山区", "2026-12-31", "", "", ""],
            [5, "", "理论学习", "市发展改革委", "", "2026-12-31", "", "", ""],
            [6, "坏主线", "喝茶", "市发展改革委", "", "2026-12-31", "", "", ""],
            [7, "坏单位", "调查研究", "不存在局", "", "2026-12-31", "", "", ""],
            [8, "坏日期", "调查研究", "中山区", "", "明年", "", "", ""],
            [4, "重号", "调查研究", "中山区", "", "2026-12-31", "", "", ""],
            [9, "缺单位", "调查研究", "中山区", "", "2026-12-31", "", "", "10"],
        ]
    )
    response = browser_as(tasks_world.office).post(
        "/key-tasks/import/", {"file": SimpleUploadedFile("清单.xlsx", data)}, follow=True
    )
    page = response.content.decode()
    for row in (3, 4, 5, 6, 7, 8):
        assert f">{row}<" in page
    for column in ("任务名称", "工作主线", "牵头单位", "完成时限", "序号", "计量单位"):
        assert f">{column}<" in page
    assert not KeyTask.objects.filter(number__gte=4).exists()


def test_key_task_import_dry_run_then_confirm_creates_and_updates(tasks_world, browser_as):
    client = browser_as(tasks_world.office)
    data = sheet(
        [
            [1, "举办专题读书班（修订）", "理论学习", "市发展改革委", "", "2026-12-31", "办满五期", "期", 5],
            [4, "新增任务", "建章立制", "中山区", "市发展改革委、市水务集团", "2027-01-31", "", "", ""],
        ]
    )
    from campaign import imports

    response = client.post("/key-tasks/import/", {"file": SimpleUploadedFile("清单.xlsx", data)})
    assert not KeyTask.objects.filter(number=4).exists()
    page = client.get(response.url).content.decode()
    assert "拟新增任务" in page and "拟更新任务" in page
    client.post(response.url + "confirm/")
    imports.import_apply(batch_id=int(response.url.strip("/").split("/")[-1]))  # the worker's job
    assert KeyTask.objects.get(number=1).title == "举办专题读书班（修订）"
    new = KeyTask.objects.get(number=4)
    assert set(new.cooperating_units.values_list("name", flat=True)) == {"市发展改革委", "市水务集团"}


def test_key_task_export_opens_with_the_lists_rows_and_statuses(tasks_world, browser_as):
    response = browser_as(tasks_world.office).get("/key-tasks/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[1][4] == "市发展改革委"  # cooperating unit of task 2
    assert rows[2][10] in ("逾期", "Overdue")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exported_key_task_list_imports_back_unchanged(tasks_world, browser_as, language):
    from campaign import imports
    from campaign.models import ImportBatch

    client = browser_as(tasks_world.office)
    client.cookies["django_language"] = language
    exported = client.get("/key-tasks/?export=xlsx", HTTP_ACCEPT_LANGUAGE=language).content
    before = list(KeyTask.objects.order_by("number").values())
    check = imports.check_file(kind="key_tasks", campaign=tasks_world.campaign, data=exported)
    assert check.ok, check.errors
    assert (check.summary["created"], check.summary["updated"], check.summary["unchanged"]) == (0, 0, 3)
    client.post("/key-tasks/import/", {"file": SimpleUploadedFile("清单.xlsx", exported)})
    batch = ImportBatch.objects.get(kind="key_tasks")
    client.post(f"/imports/{batch.pk}/confirm/")
    assert imports.import_apply(batch_id=batch.pk).status == ImportBatch.Status.APPLIED
    after = list(KeyTask.objects.order_by("number").values())
    assert after == before  # no duplicates, no changes (not even a save)
    cooperating = KeyTask.objects.get(number=2).cooperating_units.values_list("name", flat=True)
    assert list(cooperating) == ["市发展改革委"]


def test_only_the_office_opens_the_key_task_import(tasks_world, browser_as):
    refused = browser_as(tasks_world.inspector).get("/key-tasks/import/")
    assert refused.status_code == 403 and page_title(refused) == NOT_ALLOWED
    page = browser_as(tasks_world.office).get("/key-tasks/import/")
    assert page.status_code == 200 and page_title(page) == "导入重点任务清单"
