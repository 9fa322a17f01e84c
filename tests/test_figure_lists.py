"""The list pages behind the figures that had only an API list: liaisons, site visits, work
teams, special-rectification tasks and co-building projects. Each shows the records of the
units the person may see, in the campaign shown, with search, pages and an empty state, and
reads the page in the same number of queries however many rows there are."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import Liaison, User
from rectification.models import SiteVisit, SpecialRectification, SpecialTask, WorkTeam
from tasks.models import CoBuildingProject, VolunteerTeam
from tests.factories import CampaignFactory, LiaisonFactory, UnitFactory

DAY = dt.date(2026, 10, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def _count(page) -> int:
    found = re.search(r'data-count="(\d+)"', page.content.decode())
    assert found, "the page shows no count"
    return int(found.group(1))


def _visit(world, unit, findings="现场查看发现台账不全", day=DAY):
    return SiteVisit.objects.create(
        campaign=world.campaign, unit=unit, inspector=world.inspector, visited_on=day, findings=findings
    )


def _special(world):
    return SpecialRectification.objects.create(campaign=world.campaign, title="营商环境专项整治", plan_document="方案")


def _team(world, special, name, lead):
    return WorkTeam.objects.create(rectification=special, name=name, lead_unit=lead, formed_on=DAY)


def _task(team, number, owner, title="清理拖欠账款"):
    return SpecialTask.objects.create(
        team=team, number=number, title=title, owner_unit=owner, assigned_on=DAY, deadline=dt.date(2026, 12, 31)
    )


def _project(world, unit, title="共建社区书屋"):
    team, _ = VolunteerTeam.objects.get_or_create(
        campaign=world.campaign,
        name=f"{unit.name}志愿服务队",
        defaults={"unit": unit, "community": "东风社区", "formed_on": DAY},
    )
    return CoBuildingProject.objects.create(team=team, title=title, agreed_on=DAY)


@pytest.fixture
def records(world):
    """One of each record for unit A and for unit B."""
    special = _special(world)
    team_a = _team(world, special, "甲专班", world.unit_a)
    team_b = _team(world, special, "乙专班", world.unit_b)
    return {
        "visits": [_visit(world, world.unit_a, "甲单位台账不全"), _visit(world, world.unit_b, "乙单位公示不到位")],
        "teams": [team_a, team_b],
        "tasks": [_task(team_a, 1, world.unit_a, "甲任务"), _task(team_b, 1, world.unit_b, "乙任务")],
        "projects": [_project(world, world.unit_a, "甲共建项目"), _project(world, world.unit_b, "乙共建项目")],
    }


PAGES = {
    "liaisons": "/liaisons/",
    "visits": "/rectification/site-visits/",
    "teams": "/rectification/special/teams/",
    "tasks": "/rectification/special/tasks/",
    "projects": "/records/co-building/",
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # liaisons, site visits, work teams (city-wide), tasks, co-building projects
        ("office", {"liaisons": 2, "visits": 2, "teams": 2, "tasks": 2, "projects": 2}),
        ("leader", {"liaisons": 2, "visits": 2, "teams": 2, "tasks": 2, "projects": 2}),
        ("inspector", {"liaisons": 1, "visits": 1, "teams": 2, "tasks": 1, "projects": 1}),
        ("liaison_a", {"liaisons": 1, "visits": 1, "teams": 2, "tasks": 1, "projects": 1}),
    ],
)
def test_each_persona_sees_on_each_list_only_the_records_of_their_units(world, records, browser_as, who, expected):
    client = browser_as(getattr(world, who))
    shown = {name: _count(client.get(url)) for name, url in PAGES.items()}
    assert shown == expected
    if who in ("inspector", "liaison_a"):
        for url in (PAGES["visits"], PAGES["tasks"], PAGES["projects"]):
            body = client.get(url).content.decode()
            assert "甲" in body and "乙单位" not in body and "乙任务" not in body and "乙共建" not in body, url


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_list(world, records, client):
    for url in PAGES.values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_each_list_names_its_campaign_and_shows_only_that_campaign_s_records(world, records, browser_as):
    other = CampaignFactory(name="第二批主题教育", batch=2, start_date=dt.date(2026, 9, 1))
    unit = UnitFactory(campaign=other, name="第二批单位")
    LiaisonFactory(unit=unit, user__username="second_batch_liaison")
    client = browser_as(world.office)
    for name, url in PAGES.items():
        first = client.get(f"{url}?campaign={world.campaign.pk}").content.decode()
        assert "主题教育" in re.search(r"data-campaign>([^<]*)<", first).group(1), url
        second = client.get(f"{url}?campaign={other.pk}")
        assert "第二批主题教育" in second.content.decode(), url
        assert _count(second) == (1 if name == "liaisons" else 0), url


def test_search_narrows_each_list_and_an_empty_result_says_so(world, records, browser_as):
    client = browser_as(world.office)
    searches = {"liaisons": "liaison_a", "visits": "公示", "teams": "甲专班", "tasks": "乙任务", "projects": "甲共建"}
    for name, q in searches.items():
        page = client.get(PAGES[name], {"q": q})
        assert _count(page) == 1, name
        empty = client.get(PAGES[name], {"q": "没有这样的记录"})
        assert _count(empty) == 0
        assert 'class="empty"' in empty.content.decode(), name


def test_the_special_task_list_filters_by_status_and_marks_overdue_tasks(world, records, browser_as):
    late = records["tasks"][0]
    SpecialTask.objects.filter(pk=late.pk).update(deadline=dt.date(2026, 10, 20))
    client = browser_as(world.office)
    assert _count(client.get(PAGES["tasks"], {"status": "closed"})) == 0
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)):
        page = client.get(PAGES["tasks"], {"status": "open"}).content.decode()
    assert page.count("data-overdue") == 1


def test_the_lists_page_through_fifty_rows_at_a_time(world, browser_as):
    for i in range(53):
        _visit(world, world.unit_a, f"第{i}次查看")
    client = browser_as(world.office)
    first = client.get(PAGES["visits"]).content.decode()
    assert first.count("<tr>") - 1 == 50 and "page=2" in first
    second = client.get(PAGES["visits"], {"page": 2}).content.decode()
    assert second.count("<tr>") - 1 == 3


def test_as_of_a_day_each_list_keeps_what_existed_that_day(world, records, browser_as):
    _visit(world, world.unit_a, "后来的查看", day=dt.date(2026, 11, 20))
    client = browser_as(world.office)
    assert _count(client.get(PAGES["visits"], {"as_of": "2026-10-31"})) == 2
    assert _count(client.get(PAGES["visits"], {"as_of": "2026-11-30"})) == 3
    for name in ("teams", "tasks", "projects"):
        assert _count(client.get(PAGES[name], {"as_of": "2026-10-09"})) == 0, name
        assert _count(client.get(PAGES[name], {"as_of": "2026-10-10"})) == 2, name


@pytest.mark.parametrize("name", list(PAGES))
def test_each_list_reads_the_same_number_of_queries_for_few_and_many_rows(
    world, browser_as, django_assert_max_num_queries, name
):
    client = browser_as(world.office)
    special = _special(world)

    def add(start, n):
        for i in range(start, start + n):
            unit = UnitFactory(campaign=world.campaign, name=f"增加单位{i}")
            user = LiaisonFactory(unit=unit, user__username=f"more{i}").user
            visit = _visit(world, unit, f"查看{i}")
            visit.problems.set([])
            team = _team(world, special, f"专班{i}", unit)
            team.member_units.set([world.unit_a, world.unit_b])
            _task(team, 1, unit)
            _project(world, unit, f"项目{i}")
            assert user.role == User.Role.LIAISON

    add(0, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGES[name]).status_code == 200
    add(1, 12)
    with django_assert_max_num_queries(len(few)):
        page = client.get(PAGES[name])
    assert _count(page) >= 13
    assert Liaison.objects.count() >= 13


def test_the_special_task_ledger_exports_the_tasks_the_page_lists_with_who_signed_them_off(world, records, browser_as):
    """The list's `.xlsx`: every task the page would list (the person's units, the status and
    search filters), the same title row and print setup as every ledger, and for a closed task
    the day and the person who signed it off."""
    from io import BytesIO

    from openpyxl import load_workbook

    world.inspector.full_name = "王督导"
    world.inspector.save()
    done = records["tasks"][0]
    SpecialTask.objects.filter(pk=done.pk).update(
        status=SpecialTask.Status.CLOSED,
        closure_statement="已清理完毕",
        signed_off_by=world.inspector,
        closed_at=dt.datetime(2026, 11, 3, 15, tzinfo=SHANGHAI),
    )

    def ledger(client, **params):
        response = client.get(PAGES["tasks"], {**params, "export": "xlsx"})
        assert response.status_code == 200 and "special-tasks" in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content)).active
        headers = [c.value for c in sheet[1]]
        return sheet, [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]

    sheet, rows = ledger(browser_as(world.office))
    assert [row["任务"] for row in rows] == ["甲任务", "乙任务"]
    assert rows[0]["销号日期"] == dt.datetime(2026, 11, 3) and rows[0]["销号审核人"] == "王督导"
    assert rows[1]["销号日期"] is None and rows[1]["状态"] == "推进中"
    assert "专项整治任务" in sheet.oddHeader.center.text and sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"

    _sheet, only_open = ledger(browser_as(world.office), status="open", q="任务")
    assert [row["任务"] for row in only_open] == ["乙任务"]
    _sheet, theirs = ledger(browser_as(world.liaison_a))
    assert [row["任务"] for row in theirs] == ["甲任务"]  # a liaison's ledger holds their unit's tasks only
