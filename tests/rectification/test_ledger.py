"""The rectification ledger as .xlsx (one row per measure, the light as a colour) and the
problem-list import (dry run, row errors, all or nothing)."""

import datetime as dt
from io import BytesIO

import time_machine
from django.utils import translation
from openpyxl import Workbook, load_workbook

from campaign import imports
from campaign.models import ImportBatch
from rectification.models import Measure, Problem
from rectification.services import ledger
from rectification.services import measures as services
from tests.rectification.conftest import at


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_ledger_has_one_row_per_measure_with_the_problem_repeated_and_the_light_as_colour(
    world, make_problem, make_measure, browser_as
):
    problem = make_problem(title="审批时限长")
    make_measure(problem=problem, deadline=dt.date(2026, 10, 3))
    make_measure(problem=problem, deadline=dt.date(2027, 1, 31), content="推行告知承诺制")
    make_measure(unit=world.unit_b)  # another unit's measure, for the office only
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        response = english(browser_as(world.liaison_a)).get("/rectification/problems/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    headers = [c.value for c in sheet[1]]
    assert len(rows) == 2  # liaison A sees only unit A's measures
    title = headers.index("Problem")
    assert [r[title] for r in rows] == ["审批时限长", "审批时限长"]
    light = headers.index("Light") + 1
    fills = [sheet.cell(row=n, column=light).fill.fgColor.rgb for n in (2, 3)]
    assert fills == ["00" + ledger.LIGHT_FILLS["red"], "00" + ledger.LIGHT_FILLS["yellow"]]
    assert [sheet.cell(row=n, column=light).value for n in (2, 3)] == ["Overdue", "Behind"]


def test_ledger_shows_a_closed_measure(world, closable, browser_as):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    response = english(browser_as(world.office)).get("/rectification/measures/?export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[headers.index("Measure status")] == "Closed"
    assert row[headers.index("Light")] == "Closed"


def test_ledger_says_when_a_measure_was_signed_off_by_whom_and_how_many_days_overdue(
    world, make_measure, closable, browser_as
):
    """Closed on (the sign-off day), reviewer and days overdue: a measure signed off four days after
    its deadline keeps "4"; an open one counts to today; one on track has none."""
    world.inspector.full_name = "王督导"
    world.inspector.save()
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        late, closure = closable(content="逾期后销号")
        on_track = make_measure(content="按期推进", deadline=dt.date(2026, 12, 31))
        open_late = make_measure(content="仍在逾期", deadline=dt.date(2026, 10, 21))
    with time_machine.travel(at(dt.date(2026, 10, 25)), tick=False):
        services.closure_sign_off(by=world.inspector, closure=closure)
    with time_machine.travel(at(dt.date(2026, 10, 30)), tick=False):
        response = english(browser_as(world.office)).get("/rectification/problems/?export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[-3:] == ["Closed on", "Signed off by", "Days overdue"]
    rows = {row[headers.index("Measure")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[late.content][-3:] == (dt.datetime(2026, 10, 25), "王督导", 4)
    assert rows[open_late.content][-3:] == (None, None, 9)
    assert rows[on_track.content][-3:] == (None, None, None)
    closed_on = sheet.cell(row=2, column=headers.index("Closed on") + 1)
    assert closed_on.number_format == "yyyy-mm-dd"


def sheet_bytes(rows, headers=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        headers
        or [
            "编号",
            "层级",
            "单位",
            "问题",
            "来源",
            "整改措施",
            "责任单位",
            "责任人",
            "开始日期",
            "完成时限",
            "目标值",
            "计量单位",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD = [
    [
        "A1",
        "单位",
        "市发展改革委",
        "审批环节多",
        "查摆",
        "压减环节",
        "市发展改革委",
        "张三",
        "2026-10-01",
        "2026-12-31",
        6,
        "个",
    ],
    [
        "A1",
        "单位",
        "市发展改革委",
        "审批环节多",
        "查摆",
        "网上办理",
        "市发展改革委",
        "李四",
        "2026-10-01",
        "2026-11-30",
        90,
        "%",
    ],
    ["B1", "市级", "中山区", "老旧小区改造慢", "信访", "", "", "", "", "", "", ""],
]


def check(world, rows) -> ImportBatch:
    return imports.import_upload(
        kind="problems", campaign=world.campaign, by=world.office, filename="p.xlsx", data=sheet_bytes(rows)
    )


def test_dry_run_changes_nothing_and_counts_what_would_be_imported(world):
    record = check(world, GOOD)
    assert record.status == ImportBatch.Status.CHECKED, record.errors
    assert record.summary == {"problems": 2, "measures": 2, "updated": 0, "unchanged": 0}
    assert not Problem.objects.exists()
    imports.import_confirm(batch=record, by=world.office)
    record = imports.import_apply(batch_id=record.pk)
    assert record.status == ImportBatch.Status.APPLIED, record.message
    assert Problem.objects.count() == 2 and Measure.objects.count() == 2
    a1 = Problem.objects.get(code="A1")
    assert a1.status == Problem.Status.IN_PROGRESS and a1.measures.count() == 2
    assert Problem.objects.get(code="B1").level == Problem.Level.CITY


def test_row_errors_name_the_row_and_column_and_nothing_is_imported(world):
    rows = [
        *GOOD,
        ["C1", "单位", "不存在的单位", "问题", "查摆", "", "", "", "", "", "", ""],
        ["D1", "单位", "中山区", "问题", "查摆", "措施", "中山区", "", "2026-10-01", "", "", ""],
    ]
    with translation.override("en"):
        record = check(world, rows)
    assert record.status == ImportBatch.Status.INVALID
    by_row = {}
    for error in record.errors:
        by_row.setdefault(error["row"], []).append((error["column"], error["message"]))
    assert set(by_row) == {5, 6}
    assert by_row[5][0][0] == "单位" and "不存在的单位" in by_row[5][0][1]
    assert any(c == "责任人" and "owner" in m for c, m in by_row[6])
    assert any(c == "完成时限" and "deadline" in m for c, m in by_row[6])
    assert not Problem.objects.exists()


def test_import_is_all_or_nothing_when_the_list_changed_since_the_dry_run(world, make_problem):
    record = check(world, GOOD)
    make_problem(code="B1")
    imports.import_confirm(batch=record, by=world.office)
    record = imports.import_apply(batch_id=record.pk)
    assert record.status == ImportBatch.Status.FAILED
    assert any("B1" in e["message"] for e in record.errors)
    assert Problem.objects.count() == 1 and not Measure.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_whole(world):
    record = imports.import_upload(
        kind="problems", campaign=world.campaign, by=world.office, filename="p.xlsx", data=b"not excel"
    )
    assert record.status == ImportBatch.Status.INVALID
    assert record.errors[0]["row"] is None


def test_import_pages_for_the_office_only(world, browser_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert browser_as(world.liaison_a).get("/rectification/import/").status_code == 403
    office = browser_as(world.office)
    upload = SimpleUploadedFile("p.xlsx", sheet_bytes(GOOD))
    response = office.post("/rectification/import/", {"file": upload})
    record = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/imports/{record.pk}/")
    assert office.get(response.url).status_code == 200
    assert browser_as(world.liaison_a).get(response.url).status_code == 403
    assert browser_as(world.liaison_a).post(f"/imports/{record.pk}/confirm/").status_code == 403
    assert not Problem.objects.exists()
    office.post(f"/imports/{record.pk}/confirm/")
    imports.import_apply(batch_id=record.pk)  # the worker's job
    assert Problem.objects.count() == 2
    template = office.get("/rectification/import/template.xlsx")
    assert load_workbook(BytesIO(template.content)).active["C1"].value == "单位"


def test_the_problem_list_template_s_example_row_sits_under_its_headers_and_passes_the_check(world, browser_as):
    content = browser_as(world.office).get("/rectification/import/template.xlsx").content
    sheet = load_workbook(BytesIO(content)).active
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert example["来源"] == "查摆" and example["整改措施"] == "压减审批环节" and example["发现日期"] is None
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        check = imports.check_file(kind="problems", campaign=world.campaign, data=content)
    assert check.errors == [] and check.row_count == 1


def test_the_ledger_of_a_list_as_of_a_past_day_lights_each_measure_as_it_stood_that_day(
    world, make_measure, browser_as
):
    """The measure list as of 10 October exported: the measure overdue since 22 October is still
    on track in it, as the list shows it; the same export today says overdue."""
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        measure = make_measure(deadline=dt.date(2026, 10, 21))
    with time_machine.travel(at(dt.date(2026, 10, 2)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=60)
    office = english(browser_as(world.office))
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        for query, expected in (("?as_of=2026-10-05&export=xlsx", "On track"), ("?export=xlsx", "Overdue")):
            sheet = load_workbook(BytesIO(office.get(f"/rectification/measures/{query}").content)).active
            headers = [c.value for c in sheet[1]]
            assert [c.value for c in sheet[2]][headers.index("Light")] == expected, query
