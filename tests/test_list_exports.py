"""The ledgers of the lists that had none: liaisons, site visits, work teams and co-building
projects. Each `?export=xlsx` holds exactly the rows its page lists (the person's units, the
page's filters and search), under the page's headers, with the campaign and the ledger's name
printed at the top of each page."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from rectification.services import measures as rect_problems
from tests.test_figure_lists import _project, _special, _team, _visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world):
    special = _special(world)
    visit = _visit(world, world.unit_a, "甲单位台账不全")
    _visit(world, world.unit_b, "乙单位公示不到位")
    _team(world, special, "甲专班", world.unit_a)
    _team(world, special, "乙专班", world.unit_b)
    _project(world, world.unit_a, "甲共建项目")
    _project(world, world.unit_b, "乙共建项目")
    return visit


# page, ledger name, headers after 序号, the cell of a row that names it (by the page's object)
LISTS = {
    "liaisons": (
        "/liaisons/",
        "联络员",
        ["姓名", "单位", "类型", "手机", "巡回指导组", "任职日期", "卸任日期"],
        lambda li: li.user.display_name,
    ),
    "visits": (
        "/rectification/site-visits/",
        "实地查看",
        ["日期", "单位", "查看人", "发现的问题", "查看的问题"],
        lambda v: v.visited_on,
    ),
    "teams": (
        "/rectification/special/teams/",
        "工作专班",
        ["工作专班", "专项整治", "牵头单位", "成员单位", "成立日期", "任务数"],
        lambda t: t.name,
    ),
    "projects": (
        "/records/co-building/",
        "共建项目",
        ["签订日期", "共建项目", "志愿服务队", "单位", "结对社区", "状态"],
        lambda p: p.agreed_on,
    ),
}


def _ledger(client, url: str, **params):
    response = client.get(url, {**params, "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"], url
    sheet = load_workbook(BytesIO(response.content)).active
    # openpyxl reads a date cell back as a datetime at midnight
    rows = [
        [v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    return sheet, rows[0], rows[1:]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", ["office", "liaison_a"])
def test_each_list_exports_the_rows_its_page_lists_under_its_headers(world, listed, browser_as, name, who):
    url, _title, _headers, key = LISTS[name]
    client = browser_as(getattr(world, who))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").context["page"]
    sheet, headers, rows = _ledger(client, url)
    assert headers[0] == "序号" and len(headers) == len(LISTS[name][2]) + 1
    assert [row[0] for row in rows] == list(range(1, page.paginator.count + 1))
    expected = [key(obj) for obj in page.paginator.object_list]
    assert [row[1] for row in rows] == expected


@pytest.mark.parametrize("name", LISTS)
def test_each_ledger_prints_its_campaign_name_headers_and_filters(world, listed, browser_as, name):
    url, title, headers, _key = LISTS[name]
    search = {"liaisons": "liaison_a", "visits": "公示", "teams": "甲专班", "projects": "甲共建"}[name]
    client = browser_as(world.office)
    sheet, header_row, rows = _ledger(client, url, q=search)
    assert header_row == ["序号", *headers]
    assert len(rows) == client.get(url, {"q": search}).context["page"].paginator.count == 1
    caption = sheet.oddHeader.center.text
    assert "主题教育" in caption and title in caption and search in caption
    assert sheet.print_title_rows in ("1:1", "$1:$1") and sheet.page_setup.orientation == "landscape"


def test_the_site_visit_ledger_holds_the_whole_findings_and_the_problems_seen(world, listed, browser_as):
    problem = rect_problems.problem_create(
        by=world.office, campaign=world.campaign, unit=world.unit_a, title="台账不全", level="unit"
    )
    listed.problems.add(problem)
    _sheet, headers, rows = _ledger(browser_as(world.inspector), "/rectification/site-visits/")
    assert rows == [
        [1, listed.visited_on, "市发展改革委", world.inspector.display_name, "甲单位台账不全", problem.code]
    ]


def test_the_co_building_ledger_says_city_level_and_the_status_in_words(world, listed, browser_as):
    _sheet, _headers, rows = _ledger(browser_as(world.liaison_a), "/records/co-building/")
    assert [row[2:] for row in rows] == [["甲共建项目", "市发展改革委志愿服务队", "市发展改革委", "东风社区", "进行中"]]
