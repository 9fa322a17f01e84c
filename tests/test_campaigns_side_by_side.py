"""Two campaigns in one database, each with its own records: every list page, export and API
list asked for one campaign shows that campaign's records and nothing of the other.

The pages are found by walking the URL conf and the API's router, so a new list cannot be
forgotten: a new page without path arguments is checked as it is; a new page with arguments
(other than a record's number) must be given its values in ROUTE_VALUES, or the test fails
saying so. Every record of campaign A carries "MARKA" in its name and every record of B
"MARKB"; the campaigns' own names carry neither (they are in the top bar's switcher)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import load_workbook

from campaign.imports import IMPORTERS
from campaign.models import User, WorkLine
from config.urls import router
from rectification.models import PublicReport
from rectification.services import measures as rect
from rectification.services import public as public_services
from rectification.services import special as special_services
from reporting.models import Summary
from reporting.services.bulletins import bulletin_create
from reporting.views.dashboard import RECORD_KINDS
from tasks.services import development, institutions, keytasks, research, study
from tasks.views.kinds import KINDS
from tasks.weeks import current_week_start
from tests.factories import (
    CampaignFactory,
    CoverageFactory,
    InspectionGroupFactory,
    LiaisonFactory,
    UnitFactory,
    WeeklyProgressFactory,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Pages that are not campaign lists: sign-in, language, admin, API docs, POST-only actions and
# downloads of empty templates. Anything else without path arguments is checked.
NOT_LISTS = {
    "login/",
    "logout/",
    "favicon.ico",
    "campaign/choose/",
    "progress/start/",
    "progress/urge/",
    "notifications/read-all/",
    "reporting/rollups/action/",
    "roster/template.xlsx",
    "key-tasks/template.xlsx",
    "records/indicators/template.xlsx",
    "rectification/import/template.xlsx",
    "key-tasks/new/",
    "key-tasks/import/",
    "roster/",
    "records/indicators/import/",
    "rectification/import/",
    "rectification/problems/new/",
    "rectification/site-visits/new/",
    "rectification/petitions/new/",
    "rectification/tv/new/",
    "rectification/special/new/",
    "rectification/arena/new/",
    "notifications/",  # a person's own notifications, of no campaign
    # getting in: a first login with a code, a forgotten password (of no campaign)
    "welcome/",
    "password/forgot/",
    "password/forgot/sent/",
    "password/reset/done/",
}
# The public zone is reached by its campaign's number; tests/rectification/test_public_zone_per_campaign.py.
PUBLIC = {"report/", "report/status/", "report/<int:campaign_id>/", "report/<int:campaign_id>/status/"}

# Pages with path arguments other than a record's number, and the values to open them with.
# `{monday}` is this week's Monday.
ROUTE_VALUES = {
    "records/<slug:slug>/": [{"slug": slug} for slug in KINDS],
    "records/<slug:slug>/new/": [],  # forms, checked by tests/test_campaign_creation.py
    "reporting/records/<slug:kind>/": [{"kind": kind} for kind in RECORD_KINDS],
    "reporting/summaries/<slug:kind>/<str:start>/": [{"kind": "weekly", "start": "{monday}"}],
    "rectification/special/tasks/<int:pk>/<str:verb>/": [],  # a POST action on one task
    "password/reset/<uidb64>/<token>/": [],  # a reset link from an e-mail, of no campaign
    "imports/<slug:kind>/": [{"kind": kind} for kind in IMPORTERS],
    "imports/<slug:kind>/template.xlsx": [],  # a blank template, as the old template addresses above
}

# Pages that show figures and links rather than rows of records: they must answer for the
# campaign asked (and show nothing of the other) but need not name a record of it.
FIGURES_ONLY = {
    "/reporting/",
    "/reporting/rollups/",
    "/reporting/figures/",
    "/records/",
    "/rectification/",
    "/progress/",
    "/records/study/owed/",
    "/rectification/review/",
    "/reporting/records/closures/",
    "/progress/similar/",  # copy-paste flags: none in these campaigns
    *(f"/imports/{kind}/" for kind in IMPORTERS),  # an upload form and the campaign's imports: none here
}

# API lists of things that belong to no campaign.
API_WITHOUT_CAMPAIGN = {"user", "work-line"}


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "api/", "i18n/")):
            continue  # the API's lists are walked through its router below
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _list_urls(monday: dt.date) -> list[str]:
    """Every page of the URL conf that lists a campaign's records, with the arguments it needs."""
    urls, undeclared = [], []
    for route in _routes():
        if route in NOT_LISTS or route in PUBLIC:
            continue
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not arguments:
            urls.append("/" + route)
        elif route in ROUTE_VALUES:
            for values in ROUTE_VALUES[route]:
                url = route
                for name, value in values.items():
                    url = re.sub(rf"<(?:\w+:)?{name}>", value.format(monday=monday), url)
                urls.append("/" + url)
        elif "pk" in arguments or route.startswith("^"):
            continue  # one record's page (or action), reached from its list
        else:
            undeclared.append(route)
    assert not undeclared, f"Say in ROUTE_VALUES how to open these pages for a campaign: {undeclared}"
    return urls


def _campaign(world, *, name: str, batch: int, mark: str, monday: dt.date):
    """A campaign with units, a group, a liaison and one record of every kind, each named with `mark`."""
    office = world.office
    today = timezone.localdate()
    past = today - dt.timedelta(days=10)
    campaign = CampaignFactory(
        name=name, batch=batch, start_date=today - dt.timedelta(days=90), end_date=today + dt.timedelta(days=90)
    )
    unit = UnitFactory(campaign=campaign, name=f"{mark}发改委", kind="city_organ")
    district = UnitFactory(campaign=campaign, name=f"{mark}区", kind="district")
    group = InspectionGroupFactory(campaign=campaign, number=1, name=f"{mark}巡回指导组", leader=world.inspector)
    CoverageFactory(group=group, unit=unit)
    CoverageFactory(group=group, unit=district)
    LiaisonFactory(unit=unit, user__username=f"liaison_{mark}", user__full_name=f"{mark}联络员")
    development_line = WorkLine.objects.get(code="development")
    keytasks.keytask_create(
        by=office,
        campaign=campaign,
        number=1,
        title=f"{mark}重点任务",
        work_line=development_line,
        lead_unit=unit,
        deadline=today + dt.timedelta(days=30),
    )
    WeeklyProgressFactory(
        unit=unit, week_start=monday, submitted=True, highlights=f"{mark}本周召开专题会议", created_by=office
    )
    problem = rect.problem_create(by=office, campaign=campaign, unit=unit, title=f"{mark}审批环节多")
    rect.measure_create(
        by=office,
        problem=problem,
        content=f"{mark}压减审批环节",
        responsible_unit=unit,
        responsible_person="张三",
        start_date=past,
        deadline=today + dt.timedelta(days=30),
        baseline=0,
        target_value=100,
        measure_unit="%",
    )
    study.study_activity_create(
        by=office,
        campaign=campaign,
        unit=unit,
        kind="reading_class",
        title=f"{mark}读书班",
        topic="理论学习",
        date=past,
        participants=30,
        absentees=[f"{mark}张三"],
    )
    area = research.focus_area_save(by=office, campaign=campaign, number=1, name=f"{mark}经略海洋")
    topic = research.research_topic_create(
        by=office,
        campaign=campaign,
        level="unit",
        unit=unit,
        title=f"{mark}民营经济",
        claimed_by="周强",
        focus_area=area,
    )
    trip = research.research_activity_create(
        by=office,
        campaign=campaign,
        unit=unit,
        topic=topic,
        title=f"{mark}走访企业",
        planned_date=past,
        place="高新区",
        people="周强",
    )
    trip = research.research_activity_complete(activity=trip, by=office, findings=[f"{mark}融资难"], on=past)
    research.innovation_measure_create(
        by=office,
        campaign=campaign,
        unit=unit,
        finding=trip.findings.get(),
        title=f"{mark}融资专班",
        department="金融处",
        use="solve_problem",
        adopted_on=past,
    )
    research.exchange_meeting_create(by=office, campaign=campaign, unit=unit, date=past, title=f"{mark}交流会")
    research.typical_case_create(
        by=office, campaign=campaign, unit=unit, kind="negative", title=f"{mark}形象工程", date=past, lesson="教训"
    )
    development.indicator_create(
        by=office, campaign=campaign, key="satisfaction_rate", name=f"{mark}满意率", measure_unit="%"
    )
    development.livelihood_item_create(
        by=office, campaign=campaign, unit=unit, kind="problem", title=f"{mark}菜市场", listed_on=past
    )
    volunteer_team = development.volunteer_team_create(
        by=office,
        campaign=campaign,
        unit=unit,
        name=f"{mark}志愿服务队",
        community="海滨社区",
        formed_on=past,
        volunteers=25,
    )
    development.co_building_project_add(team=volunteer_team, by=office, title=f"{mark}共建项目", agreed_on=past)
    institutions.institution_document_create(
        by=office,
        campaign=campaign,
        unit=unit,
        issued_by="unit",
        title=f"{mark}调研规则",
        started_on=past,
        institutionalises="调研报备",
    )
    special = special_services.special_rectification_create(
        by=office, campaign=campaign, title=f"{mark}欠薪专项", plan_document="〔2026〕1号"
    )
    team = special_services.work_team_create(
        by=office, rectification=special, name=f"{mark}专班", lead_unit=unit, member_units=[]
    )
    special_services.special_task_create(
        by=office, team=team, title=f"{mark}建立台账", owner_unit=unit, deadline=today + dt.timedelta(days=30)
    )
    special_services.arena_round_create(
        by=office,
        campaign=campaign,
        title=f"{mark}擂台比武",
        held_on=past,
        teams=[team],
        criteria=[("成效", 100)],
        attendees=[world.leader],
    )
    special_services.site_visit_record(by=office, unit=unit, visited_on=past, findings=f"{mark}台账不全")
    public_services.tv_session_record(
        by=office, campaign=campaign, number=1, title=f"{mark}问政", aired_on=past, questions=[f"{mark}占道"]
    )
    public_services.petition_case_create(
        by=office,
        campaign=campaign,
        unit=unit,
        code=f"{mark}01",
        kind="repeat",
        title=f"{mark}信访",
        received_on=past,
        deadline=today + dt.timedelta(days=30),
    )
    PublicReport.objects.create(campaign=campaign, receipt=f"R{mark}0001", subject=f"{mark}举报", body="详情")
    bulletin = bulletin_create(by=office, campaign=campaign, kind="weekly", day=monday)
    type(bulletin).objects.filter(pk=bulletin.pk).update(title=f"{mark}周报")
    Summary.objects.create(
        campaign=campaign,
        kind="weekly",
        period_start=monday,
        period_end=monday + dt.timedelta(days=6),
        unit=unit,
        unit_key=unit.pk,
        figures={},
        computed_at=timezone.now(),
    )
    return campaign


@pytest.fixture
def two(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    monday = current_week_start() - dt.timedelta(days=7)
    a = _campaign(world, name="第一批主题教育", batch=1, mark="MARKA", monday=monday)
    b = _campaign(world, name="第二批主题教育", batch=2, mark="MARKB", monday=monday)
    yield SimpleNamespace(a=a, b=b, monday=monday)
    cache.clear()


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.mark.parametrize("asked, other", [("a", "b"), ("b", "a")])
def test_every_list_page_and_export_shows_the_campaign_asked_and_nothing_of_the_other(
    world, two, browser_as, asked, other
):
    campaign = getattr(two, asked)
    mine, theirs = f"MARK{asked.upper()}", f"MARK{other.upper()}"
    office = browser_as(world.office)
    missing, leaked, exported = [], [], []
    for url in _list_urls(two.monday):
        response = office.get(f"{url}?campaign={campaign.pk}", follow=True)  # /progress/ sends staff to the grid
        assert response.status_code == 200, (url, response.status_code)
        page = response.content.decode()
        assert campaign.name in page, f"{url} does not name the campaign it shows"
        if theirs in page:
            leaked.append(url)
        if mine not in page and url not in FIGURES_ONLY:
            missing.append(url)
        export = office.get(f"{url}?campaign={campaign.pk}&export=xlsx")
        if export.get("Content-Type", "").startswith(XLSX):
            exported.append(url)
            text = _xlsx_text(export.content)
            if theirs in text:
                leaked.append(f"{url} (.xlsx)")
    assert not leaked, f"Campaign {other}'s records shown when {asked} was asked: {leaked}"
    assert not missing, f"Campaign {asked}'s records not shown: {missing}"
    # The exports the office relies on were among those checked.
    for url in ("/units/", "/key-tasks/", "/rectification/problems/", "/rectification/measures/", "/records/study/"):
        assert url in exported


@pytest.mark.parametrize("asked, other", [("a", "b"), ("b", "a")])
def test_every_api_list_answers_for_the_campaign_asked(world, two, api_as, asked, other):
    campaign = getattr(two, asked)
    mine, theirs = f"MARK{asked.upper()}", f"MARK{other.upper()}"
    api = api_as(world.office)
    leaked, missing = [], []
    for prefix, _viewset, basename in router.registry:
        response = api.get(f"/api/v1/{prefix}/?campaign={campaign.pk}&page_size=200")
        assert response.status_code == 200, (prefix, response.status_code)
        text = json.dumps(response.json(), ensure_ascii=False)
        if theirs in text:
            leaked.append(prefix)
        if basename in API_WITHOUT_CAMPAIGN:
            continue
        # (no closure is signed off in these campaigns: `closures` is checked for leaks only; the
        # work queue answers numbers, not records)
        numbers_only = ("campaigns", "summaries", "figures", "dashboard", "closures", "work-queue")
        if mine not in text and prefix not in numbers_only:
            missing.append(prefix)
        results = response.json().get("results") if isinstance(response.json(), dict) else None
        if prefix == "campaigns":
            assert [row["id"] for row in results] == [campaign.pk]
    assert not leaked, f"Campaign {other}'s records in API lists asked for {asked}: {leaked}"
    assert not missing, f"Campaign {asked}'s records missing from API lists: {missing}"


@pytest.mark.parametrize("asked", ["a", "b"])
def test_the_figures_page_and_api_answer_for_the_campaign_asked(world, two, browser_as, api_as, asked):
    campaign = getattr(two, asked)
    page = browser_as(world.office).get(f"/reporting/figures/?campaign={campaign.pk}")
    assert page.context["campaign"] == campaign
    assert campaign.name in page.content.decode()
    body = api_as(world.office).get(f"/api/v1/figures/?campaign={campaign.pk}").json()
    assert body["campaign"] == campaign.pk
    summaries = api_as(world.office).get(f"/api/v1/summaries/?campaign={campaign.pk}").json()["results"]
    assert summaries and {row["campaign"] for row in summaries} == {campaign.pk}


def test_a_liaison_asking_for_the_other_campaign_gets_404_not_its_records(world, two, browser_as, api_as):
    liaison = User.objects.get(username="liaison_MARKA")
    assert browser_as(liaison).get(f"/records/study/?campaign={two.b.pk}").status_code == 404
    assert api_as(liaison).get(f"/api/v1/study-activities/?campaign={two.b.pk}").status_code == 404
    text = json.dumps(api_as(liaison).get("/api/v1/study-activities/").json(), ensure_ascii=False)
    assert "MARKA" in text and "MARKB" not in text


def test_a_records_page_names_the_records_campaign_whichever_is_chosen(world, two, browser_as):
    from rectification.models import Problem
    from reporting.models import Bulletin
    from tasks.models import KeyTask, StudyActivity

    office = browser_as(world.office)
    office.post("/campaign/choose/", {"campaign": two.a.pk})
    pages = [
        f"/rectification/problems/{Problem.objects.get(campaign=two.b).pk}/",
        f"/records/study/{StudyActivity.objects.get(campaign=two.b).pk}/",
        f"/reporting/bulletins/{Bulletin.objects.get(campaign=two.b).pk}/",
        f"/key-tasks/{KeyTask.objects.get(campaign=two.b).pk}/",
        f"/units/{two.b.units.get(kind='district').pk}/",
    ]
    for url in pages:
        page = office.get(url).content.decode()
        assert f'value="{two.b.pk}" selected' in page, url
    # The choice itself is kept: the next list is campaign A's again.
    assert "MARKB" not in office.get("/rectification/problems/").content.decode()
