"""Who sees what: pages and API of the reporting app, with the personas."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from reporting.figures.registry import SCORECARD
from reporting.models import RollupRun, Summary
from reporting.services.rollups import period_lock, rollup_run
from tests.answers import API_NOT_AUTHENTICATED, NOT_ALLOWED, page_text, page_title
from tests.factories import BulletinFactory
from tests.reporting.conftest import MONDAY
from tests.support import at

LISTS = ["/api/v1/summaries/", "/api/v1/bulletins/", "/api/v1/figures/"]


@pytest.fixture
def rolled(world, make_report, make_measure):
    make_report(world.unit_a)
    make_measure(world.unit_b, deadline=MONDAY)
    rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    return world


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_the_office_and_refuses_anonymous_callers(rolled, api_as, path):
    bulletin = BulletinFactory(campaign=rolled.campaign, created_by=rolled.office)
    answer = api_as(rolled.office).get(path)
    assert answer.status_code == 200
    rows = answer.json()["results"]
    if path == "/api/v1/summaries/":
        # the week rolled up: the overall row and one per unit
        assert sorted((r["period_start"], r["unit_name"] or "") for r in rows) == [
            ("2026-11-23", ""),
            ("2026-11-23", "中山区"),
            ("2026-11-23", "市发展改革委"),
            ("2026-11-23", "市水务集团"),
        ]
    elif path == "/api/v1/bulletins/":
        assert [r["id"] for r in rows] == [bulletin.pk]
    else:
        assert "重点任务清单" in [r["label"] for r in rows]
    refused = APIClient().get(path)
    assert refused.status_code == 401 and refused.json() == API_NOT_AUTHENTICATED


def test_summaries_filter_by_kind_period_and_unit(rolled, api_as):
    rollup_run(campaign=rolled.campaign, kind="daily", day=MONDAY)
    api = api_as(rolled.office)
    rows = api.get("/api/v1/summaries/?kind=weekly&period=2026-11-25").json()["results"]
    assert len(rows) == 4 and {r["period_start"] for r in rows} == {"2026-11-23"}
    one = api.get(f"/api/v1/summaries/?kind=weekly&unit={rolled.unit_a.pk}").json()["results"]
    assert [r["unit_name"] for r in one] == ["市发展改革委"] and one[0]["figures"]["reports_submitted"] == 1
    assert api.get("/api/v1/summaries/?kind=daily&overall=true").json()["count"] == 1


def test_an_inspector_reads_only_their_units_rows(rolled, api_as):
    rows = api_as(rolled.inspector).get("/api/v1/summaries/").json()["results"]
    assert [r["unit"] for r in rows] == [rolled.unit_a.pk]
    assert api_as(rolled.inspector).get("/api/v1/figures/").status_code == 403
    assert api_as(rolled.liaison_b).get("/api/v1/summaries/").json()["results"][0]["unit"] == rolled.unit_b.pk


def test_the_inspectors_dashboard_covers_only_their_units(rolled, browser_as):
    page = browser_as(rolled.inspector).get("/reporting/")
    assert page.status_code == 200
    names = [row["unit"] for row in page.context["d"]["scorecard"]]
    assert names == ["市发展改革委"]
    assert page.context["d"]["lights"]["total"] == 0  # unit B's overdue measure is not theirs
    office = browser_as(rolled.office).get("/reporting/").context["d"]
    assert office["lights"]["red"] == 1 and len(office["scorecard"]) == 3


def test_a_dashboard_number_opens_its_records_cut_to_the_viewer(rolled, browser_as):
    url = f"/reporting/records/measures/?unit={rolled.unit_b.pk}&light=red"
    assert browser_as(rolled.office).get(url).context["page"].paginator.count == 1
    assert browser_as(rolled.inspector).get(url).context["page"].paginator.count == 0
    reports = browser_as(rolled.inspector).get("/reporting/records/reports/?week=2026-11-23")
    assert [r.unit for r in reports.context["page"]] == [rolled.unit_a]


def test_the_dashboard_is_closed_to_liaisons_and_the_rollups_to_all_but_the_office(rolled, browser_as):
    for person, path in ((rolled.liaison_a, "/reporting/"), (rolled.inspector, "/reporting/rollups/")):
        refused = browser_as(person).get(path)
        assert refused.status_code == 403 and page_title(refused) == NOT_ALLOWED
    page = browser_as(rolled.office).get("/reporting/rollups/")
    assert page.status_code == 200 and page_title(page) == "汇总"
    assert "2026-11-23" in page_text(page)  # the week rolled up is listed


def test_the_office_reruns_and_locks_a_past_period_from_the_browser(rolled, browser_as, make_report):
    client = browser_as(rolled.office)
    make_report(rolled.unit_c)
    client.post("/reporting/rollups/action/", {"kind": "weekly", "day": "2026-11-24", "action": "run"})
    overall = Summary.objects.get(kind="weekly", unit__isnull=True)
    assert overall.figures["reports_submitted"] == 2
    client.post("/reporting/rollups/action/", {"kind": "weekly", "day": "2026-11-24", "action": "lock"})
    assert Summary.objects.filter(locked_at__isnull=False).count() == 4
    client.post("/reporting/rollups/action/", {"kind": "weekly", "day": "2026-11-24", "action": "run"})
    assert RollupRun.objects.latest("pk").status == RollupRun.Status.SKIPPED
    assert client.get("/reporting/rollups/?kind=weekly").context["runs"][0].status == "skipped"


def test_a_failed_run_shows_its_error_on_the_office_page(rolled, browser_as, monkeypatch):
    import reporting.services.rollups as rollups

    monkeypatch.setattr(rollups, "compute_period", lambda **kw: 1 / 0)
    client = browser_as(rolled.office)
    client.post("/reporting/rollups/action/", {"kind": "weekly", "day": "2026-11-24", "action": "run"})
    page = client.get("/reporting/rollups/?kind=weekly").content.decode()
    assert "ZeroDivisionError" in page and "badge-bad" in page


def test_a_period_summary_exports_to_excel(rolled, browser_as):
    from io import BytesIO

    from openpyxl import load_workbook

    response = browser_as(rolled.office).get("/reporting/summaries/weekly/2026-11-23/?export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    units = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(units) == 4 and "市发展改革委" in units


def test_locked_rows_show_in_the_api(rolled, api_as):
    period_lock(campaign=rolled.campaign, kind="weekly", start=MONDAY, by=rolled.office)
    rows = api_as(rolled.office).get("/api/v1/summaries/?kind=weekly").json()["results"]
    assert all(r["locked_at"] for r in rows)


def test_bulletin_docx_action_in_the_api(rolled, api_as):
    from reporting.services.bulletins import bulletin_create, bulletin_publish
    from tasks.models import TypicalCase

    TypicalCase.objects.create(
        campaign=rolled.campaign, kind="positive", title="一线工作法", date=dt.date(2026, 11, 24), lesson="经验。"
    )
    bulletin = bulletin_publish(
        by=rolled.office,
        bulletin=bulletin_create(
            by=rolled.office, campaign=rolled.campaign, kind="briefing", day=dt.date(2026, 11, 24)
        ),
    )
    api = api_as(rolled.inspector)
    assert api.get("/api/v1/bulletins/").json()["results"][0]["heading"] == "主题教育简报 第1期"
    response = api.get(f"/api/v1/bulletins/{bulletin.pk}/docx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.parametrize("extra", [0, 10])
def test_the_dashboard_queries_do_not_grow_with_units_and_records(
    rolled, browser_as, make_report, make_measure, extra, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    for i in range(extra):
        unit = UnitFactory(campaign=rolled.campaign, name=f"扩展单位{i}")
        make_report(unit, late=True)
        make_measure(unit, deadline=MONDAY)
    client = browser_as(rolled.office)
    with django_assert_max_num_queries(20):
        page = client.get("/reporting/")
    assert len(page.context["d"]["scorecard"]) == 3 + extra


@pytest.mark.parametrize(
    "who,query", [("inspector", ""), ("inspector", "?as_of=2026-11-25"), ("office", "?as_of=2026-11-25")]
)
def test_the_dashboard_queries_do_not_grow_for_an_inspector_nor_on_a_past_day(
    rolled, browser_as, make_report, make_measure, who, query
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CoverageFactory, UnitFactory

    client = browser_as(getattr(rolled, who))
    with CaptureQueriesContext(connection) as few:
        small = client.get(f"/reporting/{query}")
    for i in range(10):
        unit = UnitFactory(campaign=rolled.campaign, name=f"扩展单位{i}")
        CoverageFactory(group=rolled.group_a, unit=unit)
        make_report(unit, late=True)
        make_measure(unit, deadline=MONDAY)
    with CaptureQueriesContext(connection) as many:
        large = client.get(f"/reporting/{query}")
    assert len(large.context["d"]["scorecard"]) == len(small.context["d"]["scorecard"]) + 10
    assert len(many.captured_queries) == len(few.captured_queries) <= 30


def test_the_dashboard_tables_export_to_excel(rolled, browser_as):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(browser_as(rolled.inspector).get("/reporting/?export=xlsx").content))
    scorecard, weeks = workbook.worksheets
    assert [row[1] for row in scorecard.iter_rows(min_row=2, max_row=2, values_only=True)] == ["市发展改革委"]
    assert weeks.cell(row=2, column=2).value == 1  # one unit due each week: the inspector's


def test_the_dashboard_api_pages_its_scorecard_and_keeps_the_rest_whole(rolled, api_as):
    api = api_as(rolled.office)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=9)), tick=False):  # the week's deadline passed
        first = api.get("/api/v1/dashboard/?page_size=2").json()
        assert first["scorecard_count"] == 3 and len(first["scorecard"]) == 2
        assert first["scorecard_previous"] is None and "page=2" in first["scorecard_next"]
        second = api.get(first["scorecard_next"]).json()
        assert len(second["scorecard"]) == 1 and second["scorecard_next"] is None
        assert second["results"] == first["results"] and second["weeks"] == first["weeks"]  # whole on every page
        units = [row["unit"] for row in first["scorecard"] + second["scorecard"]]
        assert sorted(units) == sorted([rolled.unit_a.pk, rolled.unit_b.pk, rolled.unit_c.pk])
        keys = [figure.key for figure in SCORECARD]
        assert all([cell["key"] for cell in row["cells"]] == keys for row in first["scorecard"])
        assert api.get("/api/v1/dashboard/?page=9").status_code == 404
        # An inspector's pages hold only their units.
        mine = api_as(rolled.inspector).get("/api/v1/dashboard/").json()
        assert mine["scorecard_count"] == 1 and [row["unit"] for row in mine["scorecard"]] == [rolled.unit_a.pk]


@pytest.mark.django_db
def test_the_dashboard_api_answers_every_part_empty_before_any_campaign(api_as):
    from tests.factories import OfficeUserFactory

    body = api_as(OfficeUserFactory()).get("/api/v1/dashboard/").json()
    assert body["campaign"] is None and body["results"] == [] and body["scorecard"] == []
    assert body["weeks"] == [] and body["closure_weeks"] == [] and body["scorecard_count"] == 0
    assert body["scorecard_next"] is None and body["scorecard_previous"] is None and body["formula"]
