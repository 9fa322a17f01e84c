"""New records go into the campaign chosen (pages) or named in the body (API), never silently
into the newest one; a campaign the caller may not see is refused, naming the field."""

import datetime as dt

import pytest

from campaign.choice import SESSION_KEY
from rectification.models import ArenaRound, SpecialRectification, TvSession, WorkTeam
from reporting.models import Bulletin
from tasks.models import FocusArea, KeyTask
from tests.factories import CampaignFactory, UnitFactory


@pytest.fixture
def first_batch(world):
    campaign = CampaignFactory(name="第一批主题教育", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 2, 28))
    campaign.unit = UnitFactory(campaign=campaign, name="第一批的市财政局")
    return campaign


@pytest.fixture
def office_in_first_batch(world, first_batch, browser_as):
    client = browser_as(world.office)
    client.post("/campaign/choose/", {"campaign": first_batch.pk})
    assert client.session[SESSION_KEY] == first_batch.pk
    return client


def test_pages_create_special_rectifications_tv_sessions_and_arena_rounds_in_the_chosen_campaign(
    world, first_batch, office_in_first_batch
):
    office = office_in_first_batch
    office.post("/rectification/special/new/", {"title": "欠薪专项整治", "plan_document": "〔2025〕9号"})
    special = SpecialRectification.objects.get()
    assert special.campaign == first_batch
    # The team's units are the first batch's; the newer campaign's units are not offered.
    page = office.get(f"/rectification/special/{special.pk}/teams/new/").content.decode()
    assert "第一批的市财政局" in page and "市发展改革委" not in page
    office.post(
        f"/rectification/special/{special.pk}/teams/new/", {"name": "欠薪治理专班", "lead_unit": first_batch.unit.pk}
    )
    team = WorkTeam.objects.get()
    response = office.post(
        "/rectification/arena/new/",
        {
            "title": "擂台比武",
            "held_on": "2025-11-20",
            "teams": [team.pk],
            "criteria": "成效：100",
            "attendees": [world.leader.pk],
        },
    )
    assert response.status_code == 302, response.content
    assert ArenaRound.objects.get().campaign == first_batch
    office.post(
        "/rectification/tv/new/",
        {"number": 1, "title": "问政第一期", "aired_on": "2025-10-20", "viewers": 10, "questions": "占道经营"},
    )
    assert TvSession.objects.get().campaign == first_batch


def test_a_tv_session_may_not_name_another_campaigns_unit(world, first_batch, office_in_first_batch):
    response = office_in_first_batch.post(
        "/rectification/tv/new/",
        {"number": 1, "title": "问政第一期", "aired_on": "2025-10-20", "viewers": 0, "departments": [world.unit_a.pk]},
    )
    assert response.status_code == 400
    assert not TvSession.objects.exists()
    assert "问政第一期" in response.content.decode()  # what was typed stays


def test_pages_create_bulletins_focus_areas_and_key_tasks_in_the_chosen_campaign(
    world, first_batch, office_in_first_batch
):
    office = office_in_first_batch
    office.post("/reporting/bulletins/", {"kind": "weekly", "day": "2025-10-15"})
    assert Bulletin.objects.get().campaign == first_batch
    response = office.post("/records/focus-areas/new/", {"number": 1, "name": "营商环境"})
    assert response.status_code == 302, response.content
    assert FocusArea.objects.get().campaign == first_batch


def test_a_page_asked_for_a_campaign_creates_in_it(world, first_batch, browser_as):
    office = browser_as(world.office)
    office.post(f"/rectification/special/new/?campaign={first_batch.pk}", {"title": "专项", "plan_document": "文"})
    assert SpecialRectification.objects.get().campaign == first_batch


def test_api_creates_in_the_campaign_named_in_the_body(world, first_batch, api_as):
    api = api_as(world.office)
    response = api.post(
        "/api/v1/special-rectifications/",
        {"title": "欠薪专项整治", "plan_document": "〔2025〕9号", "campaign": first_batch.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert SpecialRectification.objects.get().campaign == first_batch
    response = api.post(
        "/api/v1/focus-areas/", {"number": 1, "name": "营商环境", "campaign": first_batch.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert FocusArea.objects.get().campaign == first_batch
    response = api.post(
        "/api/v1/key-tasks/",
        {
            "campaign": first_batch.pk,
            "number": 1,
            "title": "优化营商环境",
            "work_line": "development",
            "lead_unit": first_batch.unit.pk,
            "deadline": "2026-01-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert KeyTask.objects.get().campaign == first_batch


def test_api_creates_in_the_newest_campaign_when_the_body_names_none(world, first_batch, api_as):
    response = api_as(world.office).post(
        "/api/v1/special-rectifications/", {"title": "欠薪专项整治", "plan_document": "〔2026〕9号"}, format="json"
    )
    assert response.status_code == 201
    assert SpecialRectification.objects.get().campaign == world.campaign


def test_api_refuses_a_campaign_the_caller_may_not_see_naming_the_field(world, first_batch, api_as):
    response = api_as(world.liaison_a).post(
        "/api/v1/study-activities/",
        {"campaign": first_batch.pk, "title": "专题学习", "kind": "lecture", "date": "2025-10-10"},
        format="json",
    )
    assert response.status_code == 400
    assert "campaign" in response.json()
    response = api_as(world.office).post(
        "/api/v1/special-rectifications/", {"title": "x", "plan_document": "y", "campaign": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "主题教育" in str(response.json()["campaign"])
    assert not SpecialRectification.objects.exists()


def test_the_api_may_not_mix_a_campaigns_records_with_anothers_units(world, first_batch, api_as):
    api = api_as(world.office)
    response = api.post(
        "/api/v1/tv-sessions/",
        {
            "number": 1,
            "title": "问政第一期",
            "aired_on": "2025-10-20",
            "departments": [world.unit_a.pk],
            "question_texts": [],
            "campaign": first_batch.pk,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "departments" in response.json()
    assert not TvSession.objects.exists()
    special = api.post(
        "/api/v1/special-rectifications/",
        {"title": "欠薪专项整治", "plan_document": "文", "campaign": first_batch.pk},
        format="json",
    ).json()
    response = api.post(
        f"/api/v1/special-rectifications/{special['id']}/teams/",
        {"name": "专班", "lead_unit": world.unit_a.pk},
        format="json",
    )
    assert response.status_code == 400 and "lead_unit" in response.json()
    assert not WorkTeam.objects.exists()
