"""The problem ledger's round trip: an exported ledger with a few cells changed, imported back,
changes those problems (matched by the problem code the export writes) and adds nothing; rows
without a code are new problems; a row the import may not apply is listed by the check."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from rectification.models import Measure, Problem
from tests.import_support import run, sheet, upload

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADER = ["编号", "层级", "单位", "问题", "来源", "严重程度", "整改措施", "责任单位", "责任人"] + [
    "开始日期",
    "完成时限",
    "目标值",
    "计量单位",
]
ROWS = [
    ["A1", "单位", "市发展改革委", "审批环节多", "查摆", "一般", "压减环节", "市发展改革委", "张三"]
    + ["2026-10-01", "2026-12-31", 6, "个"],
    ["B1", "单位", "中山区", "老旧小区改造慢", "信访", "一般", "加快改造", "中山区", "李四"]
    + ["2026-10-01", "2026-12-15", 90, "%"],
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def exported(world, browser_as):
    """The two problems listed by import, then the ledger as the office downloads it (Chinese)."""
    first = run(world, "problems", sheet(HEADER, ROWS))
    assert first.status == "applied", first.errors
    client = browser_as(world.office)
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/rectification/problems/?export=xlsx")
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def _cell(workbook, code: str, header: str):
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("问题编号")].value == code)
    return row[headers.index(header)]


def _bytes(workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_reimporting_an_edited_ledger_updates_the_two_problems_and_adds_nothing(world, exported):
    _cell(exported, "A1", "问题").value = "审批环节多、时限长"
    _cell(exported, "B1", "严重程度").value = "较重"
    counts = (Problem.objects.count(), Measure.objects.count())
    history = Problem.history.count()
    batch = run(world, "problems", _bytes(exported))
    assert batch.status == "applied", batch.errors
    assert batch.summary == {"problems": 0, "measures": 0, "updated": 2, "unchanged": 0}
    assert (Problem.objects.count(), Measure.objects.count()) == counts
    assert Problem.objects.get(code="A1").title == "审批环节多、时限长"
    assert Problem.objects.get(code="B1").severity == Problem.Severity.SERIOUS
    assert Problem.history.count() == history + 2  # each change is in the problem's history


def test_a_row_without_a_code_is_added_next_to_the_updated_ones(world, exported):
    _cell(exported, "A1", "问题").value = "审批环节多、时限长"
    new = ["", "单位", "中山区", "停车难", "查摆", "一般", "", "", "", "", "", "", ""]
    workbook = exported
    sheet_ = workbook.active
    headers = [cell.value for cell in sheet_[1]]
    sheet_.append([dict(zip(HEADER, new, strict=True)).get(h, "") for h in map(_import_header, headers)])
    batch = run(world, "problems", _bytes(workbook))
    assert batch.status == "applied", batch.errors
    assert (batch.summary["problems"], batch.summary["updated"]) == (1, 1)
    assert Problem.objects.filter(title="停车难", unit=world.unit_b).exists() and Problem.objects.count() == 3


def _import_header(export_header):
    """The import sheet's header for an export header (the columns both write)."""
    return {"问题编号": "编号", "问题": "问题", "层级": "层级", "问题所在单位": "单位", "来源": "来源"}.get(
        export_header, export_header
    )


def test_the_check_lists_a_row_moving_a_problem_to_another_unit_and_writes_nothing(world, exported):
    _cell(exported, "A1", "问题所在单位").value = "中山区"  # A1 is the 市发展改革委's problem
    _cell(exported, "B1", "问题").value = "老旧小区改造慢、加装电梯难"
    before = list(Problem.objects.order_by("pk").values())
    batch = upload(world, "problems", _bytes(exported))
    assert batch.status == "invalid"
    assert [(e["column"], "市发展改革委" in e["message"]) for e in batch.errors] == [("单位", True)]
    assert list(Problem.objects.order_by("pk").values()) == before


def test_a_rectified_problem_is_not_changed_by_an_import(world, exported):
    Problem.objects.filter(code="B1").update(status=Problem.Status.CLOSED, closed_at=NOW)
    _cell(exported, "B1", "问题").value = "改过的问题"
    batch = upload(world, "problems", _bytes(exported))
    assert batch.status == "invalid" and "B1" in batch.errors[0]["message"]
    assert Problem.objects.get(code="B1").title == "老旧小区改造慢"
