"""The roster import (one kind of the import pipeline): a check that writes nothing, every bad
row reported with its row number, column and reason, and nothing written unless the whole file
is good."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from campaign import imports
from campaign.models import Coverage, ImportBatch, Liaison, Unit, User

HEADER = [
    "单位名称",
    "单位类型",
    "上级单位",
    "批次",
    "巡回指导组",
    "联络员1姓名",
    "联络员1账号",
    "联络员1手机",
    "联络员2姓名",
    "联络员2账号",
    "联络员2手机",
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD_ROWS = [
    ["市审计局", "市直机关", "", 1, "第一巡回指导组", "赵敏", "zhaomin", "13700000001", "", "", ""],
    ["市审计局数据中心", "事业单位", "市审计局", 1, "第一巡回指导组", "钱勇", "qianyong", "13700000002", "", "", ""],
    ["南湖区", "区市", "", 2, "第二巡回指导组", "孙丽", "sunli", "13700000003", "李军", "lijun", "13700000004"],
]


def check(world, data: bytes) -> ImportBatch:
    return imports.import_upload(
        kind="roster", campaign=world.campaign, by=world.office, filename="名册.xlsx", data=data
    )


def apply(world, record: ImportBatch) -> ImportBatch:
    imports.import_confirm(batch=record, by=world.office)
    return imports.import_apply(batch_id=record.pk)


def snapshot():
    return (Unit.objects.count(), Liaison.objects.count(), User.objects.count(), Coverage.objects.count())


def test_dry_run_of_a_good_roster_counts_what_it_would_do_and_writes_nothing(world):
    before = snapshot()
    record = check(world, xlsx(GOOD_ROWS))
    assert record.status == ImportBatch.Status.CHECKED
    assert record.errors == []
    assert record.summary["units_created"] == 3
    assert record.summary["accounts_created"] == 4
    assert snapshot() == before


def test_applying_a_good_roster_creates_units_liaisons_and_coverage(world):
    record = check(world, xlsx(GOOD_ROWS))
    record = apply(world, record)
    assert record.status == ImportBatch.Status.APPLIED
    assert (record.row_count, record.progress) == (3, 3)
    nanhu = Unit.objects.get(campaign=world.campaign, name="南湖区")
    assert nanhu.kind == "district" and nanhu.batch == 2
    assert set(nanhu.liaisons.values_list("user__username", flat=True)) == {"sunli", "lijun"}
    assert nanhu.coverage.group == world.group_b
    centre = Unit.objects.get(name="市审计局数据中心")
    assert centre.parent.name == "市审计局"
    new_user = User.objects.get(username="zhaomin")
    assert new_user.role == User.Role.LIAISON and not new_user.has_usable_password()


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(world):
    rows = [
        ["市审计局", "市直机关", "", 1, "", "", "", "", "", "", ""],  # row 2: fine
        ["", "市直机关", "", 1, "", "", "", "", "", "", ""],  # row 3: no name
        ["市统计局", "部委", "", 1, "", "", "", "", "", "", ""],  # row 4: bad kind
        ["市审计局", "市直机关", "", 1, "", "", "", "", "", "", ""],  # row 5: twice
        ["市档案馆", "事业单位", "不存在的单位", 1, "", "", "", "", "", "", ""],  # row 6: no parent
        ["市医保局", "市直机关", "", "一", "", "", "", "", "", "", ""],  # row 7: bad batch
        ["市体育局", "市直机关", "", 1, "第九巡回指导组", "", "", "", "", "", ""],  # row 8: no group
        ["市林业局", "市直机关", "", 1, "", "周一", "office", "", "", "", ""],  # row 9: office acct
        ["市人防办", "市直机关", "", 1, "", "吴二", "bad name!", "", "", "", ""],  # row 10: username
        ["市侨办", "市直机关", "", 1, "", "郑三", "zhengsan", "", "王四", "zhengsan", ""],  # row 11: twice
    ]
    before = snapshot()
    record = check(world, xlsx(rows))
    assert record.status == ImportBatch.Status.INVALID
    rows_with_errors = {e["row"] for e in record.errors}
    assert rows_with_errors == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    columns = {(e["row"], e["column"]) for e in record.errors}
    assert {(3, "单位名称"), (4, "单位类型"), (6, "上级单位"), (7, "批次"), (8, "巡回指导组")} <= columns
    assert (10, "联络员1账号") in columns and (11, "联络员2账号") in columns
    messages = " ".join(e["message"] for e in record.errors)
    assert "部委" in messages and "第九巡回指导组" in messages and "不存在的单位" in messages
    assert snapshot() == before
    with pytest.raises(Exception):  # noqa: B017 - the service refuses to queue a file with errors
        imports.import_confirm(batch=record, by=world.office)
    assert snapshot() == before


def test_parent_loop_in_the_file_is_an_error(world):
    rows = [
        ["甲单位", "市直机关", "乙单位", 1, "", "", "", "", "", "", ""],
        ["乙单位", "市直机关", "甲单位", 1, "", "", "", "", "", "", ""],
    ]
    record = check(world, xlsx(rows))
    assert record.status == ImportBatch.Status.INVALID
    assert any("loop" in e["message"] or "循环" in e["message"] for e in record.errors)


def test_a_file_that_is_not_xlsx_is_refused_with_a_message(world):
    record = check(world, "unit,kind\n市审计局,市直机关\n".encode())
    assert record.status == ImportBatch.Status.INVALID
    assert record.errors[0]["row"] is None
    assert ".xlsx" in record.errors[0]["message"]


def test_a_header_without_the_required_columns_is_refused(world):
    record = check(world, xlsx([["市审计局"]], header=["名称"]))
    assert record.status == ImportBatch.Status.INVALID
    assert "单位名称" in record.errors[0]["message"]


def test_roster_lists_replace_a_units_liaisons_and_move_a_person(world):
    rows = [
        ["市发展改革委", "市直机关", "", 1, "", "新人", "newcomer", "", "", "", ""],
        ["中山区", "区市", "", 1, "", "原联络员", "liaison_a", "", "", "", ""],
    ]
    record = check(world, xlsx(rows))
    assert record.status == ImportBatch.Status.CHECKED, record.errors
    assert record.summary["liaisons_moved"] == 1
    apply(world, record)
    assert list(world.unit_a.liaisons.current().values_list("user__username", flat=True)) == ["newcomer"]
    assert list(world.unit_b.liaisons.current().values_list("user__username", flat=True)) == ["liaison_a"]
    # The duties the roster replaced are ended, not deleted: earlier days' figures keep them.
    assert list(world.unit_a.liaisons.former().values_list("user__username", flat=True)) == ["liaison_a"]
    assert list(world.unit_b.liaisons.former().values_list("user__username", flat=True)) == ["liaison_b"]


def test_apply_rechecks_and_writes_nothing_when_the_campaign_changed(world):
    record = check(world, xlsx(GOOD_ROWS))
    world.group_b.delete()  # the file names 第二巡回指导组, which is now gone
    before = snapshot()
    record = apply(world, record)
    assert record.status == ImportBatch.Status.FAILED
    assert any("第二巡回指导组" in e["message"] for e in record.errors)
    assert snapshot() == before


def test_applying_twice_changes_nothing_the_second_time(world):
    record = check(world, xlsx(GOOD_ROWS))
    apply(world, record)
    after_first = snapshot()
    imports.import_apply(batch_id=record.pk)
    assert snapshot() == after_first


def test_office_uploads_checks_and_confirms_from_the_browser(world, browser_as, django_capture_on_commit_callbacks):
    client = browser_as(world.office)
    upload = SimpleUploadedFile("名册.xlsx", xlsx(GOOD_ROWS))
    response = client.post("/roster/", {"file": upload})
    record = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{record.pk}/"
    assert record.kind == "roster" and record.file.name.startswith("imports/roster/")
    assert "市审计局" not in set(Unit.objects.values_list("name", flat=True))
    page = client.get(response.url).content.decode()
    assert "拟新增单位" in page
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/imports/{record.pk}/confirm/")
    assert len(callbacks) == 1
    record.refresh_from_db()
    assert record.status == ImportBatch.Status.QUEUED
    assert 'hx-trigger="every 2s"' in client.get(response.url).content.decode()  # the page follows the worker
    imports.import_apply(batch_id=record.pk)
    assert "市审计局" in set(Unit.objects.values_list("name", flat=True))
    assert "已导入" in client.get(response.url).content.decode()


def test_upload_of_a_wrong_file_type_is_refused_on_the_form(world, browser_as):
    response = browser_as(world.office).post("/roster/", {"file": SimpleUploadedFile("名册.csv", b"a,b")})
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_roster_template_downloads_as_a_workbook_with_the_header(world, browser_as):
    response = browser_as(world.office).get("/roster/template.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER


def test_unit_export_opens_as_a_workbook_with_the_callers_units_only(world, browser_as):
    response = browser_as(world.inspector).get("/units/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["市发展改革委"]
    assert sheet.cell(row=2, column=6).value == "第一巡回指导组"
