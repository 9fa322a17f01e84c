"""The dashboard's drill-down lists (/reporting/records/<kind>/) export what they list: the same
records, cut to the viewer, narrowed by the same filters, printed like every other ledger."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from tests.reporting.conftest import MONDAY, at


def _ledger(client, url):
    response = client.get(url + "&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    return sheet, [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def listed(world, make_report, make_measure):
    make_report(world.unit_a)
    make_report(world.unit_b, late=True)
    make_measure(world.unit_a, deadline=MONDAY)
    make_measure(world.unit_b, deadline=MONDAY)
    make_measure(world.unit_b)  # not overdue
    return world


def test_a_dashboard_number_s_measures_export_as_the_list_shows_them(listed, browser_as):
    url = f"/reporting/records/measures/?unit={listed.unit_b.pk}&light=red"
    with time_machine.travel(at(dt.date(2026, 12, 1)), tick=False):
        page = browser_as(listed.office).get(url)
        sheet, rows = _ledger(browser_as(listed.office), url)
        _theirs, inspectors = _ledger(browser_as(listed.inspector), url)
    assert "export=xlsx" in page.content.decode()  # the page offers its ledger
    assert len(rows) == page.context["page"].paginator.count == 1
    assert rows[0]["责任单位"] == "中山区" and rows[0]["亮灯"] == "逾期"
    caption = sheet.oddHeader.center.text
    assert "主题教育" in caption and "整改措施" in caption and "light=red" in caption
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert inspectors == []  # unit B is not the inspector's


def test_the_weekly_reports_behind_a_week_export_with_their_lateness(listed, browser_as):
    with time_machine.travel(at(dt.date(2026, 12, 1)), tick=False):
        _sheet, rows = _ledger(browser_as(listed.office), f"/reporting/records/reports/?week={MONDAY}")
        _sheet, inspectors = _ledger(browser_as(listed.inspector), f"/reporting/records/reports/?week={MONDAY}")
    assert sorted((row["单位"], row["迟报"]) for row in rows) == [("中山区", "是"), ("市发展改革委", None)]
    assert [row["单位"] for row in inspectors] == ["市发展改革委"]
    assert all(isinstance(row["首次提交"], dt.datetime) for row in rows)
