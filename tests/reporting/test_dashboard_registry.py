"""The walk of the dashboard: every number it shows — the headline lights and closures, the
reporting by week, the closures by week and every scorecard cell — as of a day before the
campaign, one mid-way and today, for the office and for an inspector (cut to their groups'
units), equals what its lists show: the API list's `count` and the page's count. The dashboard
page and `GET /api/v1/dashboard/` show the same numbers."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaign.models import Campaign, User
from campaign.selectors import units_visible_to
from reporting.figures.registry import DASHBOARD, SCORECARD, WEEK_FIGURES
from scale.generate import generate

WEEKS_OWED = "reports_due"  # weeks, not records: its lists show the unit's reports of those weeks


def _days(campaign: Campaign) -> list[dt.date]:
    today = timezone.localdate()
    return [campaign.start_date - dt.timedelta(days=1), campaign.start_date + (today - campaign.start_date) / 2, today]


def _page_count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(r'data-count="(\d+)"', response.content.decode())
    assert found, f"{url} shows no count"
    return int(found.group(1))


def _cells(body: dict) -> list[tuple[str, str, int, str, str]]:
    """(where, key, value, records, url) of every number of the API's dashboard."""
    cells = [("headline", r["key"], r["value"], r["records"], r["url"]) for r in body["results"]]
    for week in body["weeks"]:
        cells += [(f"week {week['week']}", c["key"], c["value"], c["records"], c["url"]) for c in week["cells"]]
    for week in body["closure_weeks"]:
        cells.append((f"week {week['week']}", "week_closures", week["value"], week["records"], week["url"]))
    for row in body["scorecard"]:
        cells += [(f"unit {row['unit_name']}", c["key"], c["value"], c["records"], c["url"]) for c in row["cells"]]
    return cells


def walk(campaign: Campaign, user: User) -> list[str]:
    """Every disagreement between a dashboard number and its lists, on the three days."""
    browser, api = Client(), APIClient()
    browser.force_login(user)
    api.force_authenticate(user)
    wrong = []
    for day in _days(campaign):
        body = api.get(f"/api/v1/dashboard/?campaign={campaign.pk}&as_of={day}").json()
        assert body["as_of"] == day.isoformat()
        cells = _cells(body)
        keys = {key for _where, key, *_rest in cells}
        assert keys >= {f.key for f in DASHBOARD}
        if body["scorecard"]:
            assert keys >= {f.key for f in SCORECARD}
        if body["weeks"]:
            assert keys >= {f.key for f in WEEK_FIGURES}
        for where, key, value, records, url in cells:
            if day < campaign.start_date and value != 0:
                wrong.append(f"{day} {where} {key}: {value} before the campaign began")
            listed = api.get(records)
            assert listed.status_code == 200, records
            count = listed.json()["count"]
            shown = _page_count(browser, url)
            if key == WEEKS_OWED:
                if value != len(body["weeks"]) or count > value or shown != count:
                    wrong.append(f"{day} {where}: {value} weeks owed, {len(body['weeks'])} weeks due, {count} reports")
                continue
            if count != value:
                wrong.append(f"{day} {where} {key}: {value}, its API list {count} ({records})")
            if shown != value:
                wrong.append(f"{day} {where} {key}: {value}, its page {shown} ({url})")
        # The page shows the API's numbers, each linking to the same list.
        page = browser.get(f"/reporting/?campaign={campaign.pk}&as_of={day}").content.decode()
        by_url = {html.unescape(url).split("://", 1)[-1].split("/", 1)[-1]: value for *_k, value, _r, url in cells}
        shown_cells = re.findall(r'<a href="([^"]+)" data-cell="(\w+)"[^>]*>(\d+)<', page)
        assert len(shown_cells) >= 6 * len(body["scorecard"]) + 3 * len(body["weeks"])
        for url, key, n in shown_cells:
            path = html.unescape(url).lstrip("/")
            if by_url.get(path) != int(n):
                wrong.append(f"{day} page {key}: {n}, the API {by_url.get(path)} ({url})")
    return wrong


@pytest.mark.django_db
def test_every_dashboard_number_of_a_generated_campaign_equals_its_lists_for_office_and_inspector():
    made = generate(units=6, weeks=5, seed=11)
    campaign = Campaign.objects.get(pk=made["campaign_id"])
    office = User.objects.filter(role=User.Role.OFFICE).first()
    inspector = next(
        user
        for user in User.objects.filter(role=User.Role.INSPECTOR).order_by("pk")
        if units_visible_to(user).filter(campaign=campaign).exists()
    )
    body = APIClient()
    body.force_authenticate(office)
    today = body.get(f"/api/v1/dashboard/?campaign={campaign.pk}").json()
    assert today["weeks"] and any(c["value"] for row in today["scorecard"] for c in row["cells"])  # filled
    assert walk(campaign, office) == []
    assert walk(campaign, inspector) == []


@pytest.mark.django_db
def test_every_dashboard_number_of_the_demo_equals_its_lists_for_the_inspector():
    call_command("load_demo")
    campaign = Campaign.objects.get()
    assert walk(campaign, User.objects.get(username="inspector")) == []


def test_the_dashboard_as_of_a_past_day_counts_what_stood_then(world, api_as, make_measure, close_measure):
    """A measure closed on 18 November is open (and red past its deadline) on the 15th, and its
    closure is not yet signed off; the lists the numbers open agree."""
    measure = make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 10))
    close_measure(measure, dt.date(2026, 11, 18))
    client = api_as(world.office)
    for day, red, closed, closures in (("2026-11-15", 1, 0, 0), ("2026-11-20", 0, 1, 1)):
        body = client.get(f"/api/v1/dashboard/?campaign={world.campaign.pk}&as_of={day}").json()
        values = {r["key"]: r for r in body["results"]}
        assert (values["measures_red"]["value"], values["measures_closed"]["value"]) == (red, closed), day
        assert values["closures"]["value"] == closures
        for key in ("measures_red", "measures_closed", "closures"):
            assert client.get(values[key]["records"]).json()["count"] == values[key]["value"], (day, key)


def test_the_dashboard_never_looks_past_today_and_is_empty_before_the_campaign(world, api_as, make_measure):
    make_measure(world.unit_a)
    client = api_as(world.office)
    future = client.get(f"/api/v1/dashboard/?campaign={world.campaign.pk}&as_of=2099-01-01").json()
    assert future["as_of"] == timezone.localdate().isoformat()
    before = world.campaign.start_date - dt.timedelta(days=1)
    body = client.get(f"/api/v1/dashboard/?campaign={world.campaign.pk}&as_of={before}").json()
    assert [r["value"] for r in body["results"]] == [0] * len(DASHBOARD)
    assert body["weeks"] == [] and body["closure_weeks"] == []


def test_the_measure_list_light_is_the_light_of_the_day_asked(world, api_as, browser_as, make_measure, close_measure):
    measure = make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 10))
    close_measure(measure, dt.date(2026, 11, 18))
    api, page = api_as(world.office), browser_as(world.office)
    for day, light in (("2026-11-15", "red"), ("2026-11-19", "closed")):
        for asked in ("red", "closed"):
            expected = 1 if asked == light else 0
            query = f"campaign={world.campaign.pk}&as_of={day}&light={asked}"
            assert api.get(f"/api/v1/measures/?{query}").json()["count"] == expected, (day, asked)
            assert _page_count(page, f"/rectification/measures/?{query}") == expected, (day, asked)
    # Without a day, today's light.
    assert api.get("/api/v1/measures/?light=closed").json()["count"] == 1
