"""Choosing the campaign: `?campaign=` on pages and API, else the remembered choice, else the
newest the person can see; a campaign they cannot see answers 404; the top bar names it."""

import datetime as dt

import pytest
from django.test import Client

from campaign.choice import SESSION_KEY
from tests.answers import API_NOT_FOUND, NOT_FOUND, page_text, page_title
from tests.factories import CampaignFactory, UnitFactory


@pytest.fixture
def first_batch(world):
    """The world's campaign is the newer one; this is the first batch, begun a year earlier."""
    campaign = CampaignFactory(name="第一批主题教育", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 2, 28))
    UnitFactory(campaign=campaign, name="第一批的市财政局")
    return campaign


def test_without_a_choice_a_page_shows_the_newest_campaign(world, first_batch, browser_as):
    page = browser_as(world.office).get("/units/").content.decode()
    assert "市发展改革委" in page
    assert "第一批的市财政局" not in page


def test_a_page_asked_for_a_campaign_shows_that_campaign_only(world, first_batch, browser_as):
    page = browser_as(world.office).get(f"/units/?campaign={first_batch.pk}").content.decode()
    assert "第一批的市财政局" in page
    assert "市发展改革委" not in page


def test_a_campaign_asked_for_on_a_page_is_kept_for_the_next_pages(world, first_batch, browser_as):
    client = browser_as(world.office)
    client.get(f"/units/?campaign={first_batch.pk}")
    page = client.get("/units/").content.decode()
    assert "第一批的市财政局" in page and "市发展改革委" not in page


def test_the_switcher_remembers_the_choice_and_returns_to_the_page(world, first_batch, browser_as):
    client = browser_as(world.office)
    response = client.post(
        "/campaign/choose/", {"campaign": first_batch.pk, "next": f"/units/?campaign={world.campaign.pk}&kind=district"}
    )
    assert response.status_code == 302
    assert response.url == "/units/?kind=district"  # the old ?campaign= would override the choice
    assert client.session[SESSION_KEY] == first_batch.pk
    assert "第一批的市财政局" in client.get("/units/").content.decode()


def test_the_switcher_goes_home_rather_than_to_another_site(world, first_batch, browser_as):
    response = browser_as(world.office).post(
        "/campaign/choose/", {"campaign": first_batch.pk, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_the_switcher_refuses_a_post_without_csrf_token(world, first_batch):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    assert client.post("/campaign/choose/", {"campaign": first_batch.pk}).status_code == 403
    assert SESSION_KEY not in client.session


def test_the_switcher_is_shown_only_when_there_is_more_than_one_campaign(world, browser_as):
    client = browser_as(world.office)
    page = client.get("/units/").content.decode()
    assert 'name="campaign"' not in page
    assert "主题教育" in page  # the top bar still names the campaign shown
    CampaignFactory(name="第二批主题教育", batch=2)
    page = client.get("/units/").content.decode()
    assert 'action="/campaign/choose/"' in page and "第二批主题教育" in page


def test_a_campaign_the_person_cannot_see_answers_404_on_pages_api_and_switcher(world, first_batch, browser_as, api_as):
    liaison = browser_as(world.liaison_a)
    page = liaison.get(f"/key-tasks/?campaign={first_batch.pk}")
    assert page.status_code == 404 and page_title(page) == NOT_FOUND
    assert "第一批主题教育" not in page_text(page)
    assert liaison.post("/campaign/choose/", {"campaign": first_batch.pk}).status_code == 404
    assert "第一批主题教育" not in page_text(liaison.get("/"))  # still in their own campaign
    answer = api_as(world.liaison_a).get(f"/api/v1/units/?campaign={first_batch.pk}")
    assert answer.status_code == 404 and answer.json() == API_NOT_FOUND
    malformed = browser_as(world.office).get("/units/?campaign=abc")
    assert malformed.status_code == 404 and page_title(malformed) == NOT_FOUND


def test_a_liaison_is_offered_no_campaign_but_their_units(world, first_batch, browser_as):
    page = browser_as(world.liaison_a).get("/").content.decode()
    assert 'action="/campaign/choose/"' not in page
    assert "第一批主题教育" not in page


def test_api_lists_answer_for_the_campaign_asked(world, first_batch, api_as):
    api = api_as(world.office)
    names = {row["name"] for row in api.get(f"/api/v1/units/?campaign={first_batch.pk}").json()["results"]}
    assert names == {"第一批的市财政局"}
    names = {row["name"] for row in api.get(f"/api/v1/units/?campaign={world.campaign.pk}").json()["results"]}
    assert "第一批的市财政局" not in names and "市发展改革委" in names


def test_api_figures_answer_for_the_campaign_asked(world, first_batch, api_as):
    api = api_as(world.office)
    assert api.get(f"/api/v1/figures/?campaign={first_batch.pk}").json()["campaign"] == first_batch.pk
    assert api.get("/api/v1/figures/").json()["campaign"] == world.campaign.pk


def test_a_batch_set_up_ahead_of_its_start_is_not_shown_until_chosen(world, browser_as):
    later = CampaignFactory(
        name="第二批主题教育", batch=2, start_date=dt.date(2030, 3, 1), end_date=dt.date(2030, 8, 31)
    )
    UnitFactory(campaign=later, name="第二批的市商务局")
    client = browser_as(world.office)
    assert "第二批的市商务局" not in client.get("/units/").content.decode()
    client.post("/campaign/choose/", {"campaign": later.pk})
    assert "第二批的市商务局" in client.get("/units/").content.decode()
