"""Petition cases, public reports and TV questioning export as ledgers: exactly the rows
listed (filters and access applied), opened back and checked."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from openpyxl import load_workbook

from rectification.models import PublicReport
from rectification.services import public as services


def _rows(response):
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return [c.value for c in sheet[1]], list(sheet.iter_rows(min_row=2, values_only=True)), sheet


def _case(world, code, kind="leader_case", unit=None):
    return services.petition_case_create(
        by=world.office,
        campaign=world.campaign,
        code=code,
        kind=kind,
        title=f"事项{code}",
        unit=unit or world.unit_a,
        leader=world.leader if kind == "leader_case" else None,
        received_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 11, 30),
    )


def test_the_petition_ledger_lists_the_filtered_cases_with_their_stage_dates(world, browser_as):
    _case(world, "XF-1")
    _case(world, "XF-2", kind="repeat", unit=world.unit_b)
    header, rows, sheet = _rows(browser_as(world.office).get("/rectification/petitions/?kind=leader_case&export=xlsx"))
    assert [r[1] for r in rows] == ["XF-1"] and len(header) == 15
    assert rows[0][6] == "市发展改革委" and rows[0][9] == "2026-10-01"
    assert "筛选" in sheet.oddHeader.center.text


def test_the_petition_ledger_is_cut_to_what_the_viewer_may_see(world, browser_as):
    _case(world, "XF-1")
    _case(world, "XF-2", kind="repeat", unit=world.unit_b)
    _header, rows, _sheet = _rows(browser_as(world.liaison_b).get("/rectification/petitions/?export=xlsx"))
    assert [r[1] for r in rows] == ["XF-2"]


def test_the_public_report_ledger_lists_the_reports_and_their_handling(world, browser_as):
    PublicReport.objects.create(campaign=world.campaign, receipt="R1", subject="乱收费", body="某窗口乱收费")
    PublicReport.objects.create(campaign=world.campaign, receipt="R2", subject="=HYPERLINK(1)", body="x")
    header, rows, _sheet = _rows(browser_as(world.office).get("/rectification/reports/?export=xlsx"))
    assert sorted(r[1] for r in rows) == ["R1", "R2"]
    assert any(r[4] == "乱收费" for r in rows)
    formula_like = next(row for row in _sheet.iter_rows(min_row=2) if row[1].value == "R2")[4]
    assert formula_like.data_type == "s" and formula_like.value == "=HYPERLINK(1)"  # text, not a live formula


def test_the_tv_ledger_lists_sessions_with_their_questions(world, browser_as):
    services.tv_session_record(
        by=world.office,
        campaign=world.campaign,
        number=1,
        title="问政第一期",
        aired_on=dt.date(2026, 10, 20),
        viewers=12000,
        departments=[world.unit_a],
        questions=["路灯不亮", "停车难"],
    )
    header, rows, _sheet = _rows(browser_as(world.office).get("/rectification/tv/?export=xlsx"))
    assert rows[0][1:] == (1, "问政第一期", "2026-10-20", "市发展改革委", 12000, 2, 0)
