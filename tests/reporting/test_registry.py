"""The test that walks the figure registry: every figure, as of a day before the campaign, one
mid-way and today, equals what its list shows — the page's count (or total) and the API list's
`count` (or `total`) — on the demo and on a small generated campaign."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaign.models import Campaign, User
from reporting.figures.declaration import INDICATOR
from reporting.figures.registry import FIGURES
from reporting.figures.values import figure_rows
from scale.generate import generate

# Figures whose records have no page of their own (their API list is checked): none any more.
NO_PAGE: set[str] = set()


def _days(campaign: Campaign) -> list[dt.date]:
    today = timezone.localdate()
    return [campaign.start_date - dt.timedelta(days=1), campaign.start_date + (today - campaign.start_date) / 2, today]


def _page_number(client: Client, url: str, attribute: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(rf'{attribute}="(\d+)"', response.content.decode())
    assert found, f"{url} shows no {attribute}"
    return int(found.group(1))


def _api_number(client: APIClient, row) -> int | Decimal | None:
    response = client.get(row.records)
    assert response.status_code == 200, row.records
    body = response.json()
    if row.aggregate == INDICATOR:
        return Decimal(str(body[-1]["value"])) if body else None
    if "total=" in row.records:
        return body["total"]
    return body["count"]


def walk(campaign: Campaign, office: User) -> list[str]:
    """Every disagreement between a figure and its lists, on the three days."""
    browser, api = Client(), APIClient()
    browser.force_login(office)
    api.force_authenticate(office)
    wrong = []
    for day in _days(campaign):
        rows = figure_rows(campaign=campaign, as_of=day)
        assert {row.key for row in rows} >= {figure.key for figure in FIGURES}
        for row in rows:
            if day < campaign.start_date and row.value not in (0, None):
                wrong.append(f"{day} {row.key}: {row.value} before the campaign began")
            if not row.records:
                if row.value is not None:
                    wrong.append(f"{day} {row.key}: {row.value} without a list")
                continue
            listed = _api_number(api, row)
            if listed != row.value:
                wrong.append(f"{day} {row.key}: {row.value}, its API list {listed} ({row.records})")
            if row.aggregate == INDICATOR or row.key in NO_PAGE:
                continue
            shown = _page_number(browser, row.url, "data-total" if "total=" in row.url else "data-count")
            if shown != row.value:
                wrong.append(f"{day} {row.key}: {row.value}, its page {shown} ({row.url})")
    return wrong


@pytest.mark.django_db
def test_every_figure_of_the_demo_equals_its_lists_before_midway_and_today():
    call_command("load_demo")
    campaign = Campaign.objects.get()
    office = User.objects.get(username="office")
    rows = {row.key: row for row in figure_rows(campaign=campaign, as_of=timezone.localdate())}
    assert rows["excellent_party_lessons"].value and rows["institution_documents_by_city"].value  # filled
    assert walk(campaign, office) == []


@pytest.mark.django_db
def test_every_figure_of_a_generated_campaign_equals_its_lists_before_midway_and_today():
    made = generate(units=24, weeks=6, seed=7)
    campaign = Campaign.objects.get(pk=made["campaign_id"])
    office = User.objects.filter(role=User.Role.OFFICE).first()
    rows = {row.key: row for row in figure_rows(campaign=campaign, as_of=timezone.localdate())}
    assert rows["districts"].value and rows["problems_units"].value  # the generator filled them
    assert walk(campaign, office) == []


@pytest.mark.django_db
def test_the_day_before_the_campaign_every_figure_answers_zero_or_not_counted(api_as):
    call_command("load_demo")
    campaign = Campaign.objects.get()
    day = campaign.start_date - dt.timedelta(days=1)
    body = api_as(User.objects.get(username="office")).get(f"/api/v1/figures/?campaign={campaign.pk}&as_of={day}")
    results = body.json()["results"]
    assert len(results) >= len(FIGURES)
    assert {r["key"]: r["value"] for r in results if r["value"] not in (0, None)} == {}
    assert all({"key", "label", "value", "unit", "aggregate", "records"} <= set(r) for r in results)


def test_an_inspector_s_dashboard_counts_only_their_groups_units_each_as_its_list(world, make_measure, api_as):
    make_measure(world.unit_a)
    make_measure(world.unit_b)
    make_measure(world.unit_b)
    for user, measures in ((world.inspector, 1), (world.office, 3)):
        client = api_as(user)
        results = client.get(f"/api/v1/dashboard/?campaign={world.campaign.pk}").json()["results"]
        values = {r["key"]: r["value"] for r in results}
        assert values["measures"] == measures
        for result in results:
            assert client.get(result["records"]).json()["count"] == result["value"], result["key"]
    assert api_as(world.liaison_a).get("/api/v1/dashboard/").status_code == 403


def test_the_figures_page_makes_the_same_number_of_queries_for_few_and_many_records(
    world, browser_as, make_measure, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.services import study

    client = browser_as(world.office)

    def add(n):
        for i in range(n):
            make_measure(world.unit_a if i % 2 else world.unit_b)
            study.study_activity_create(
                by=world.office, campaign=world.campaign, kind="lecture", title=f"讲堂{i}", date=dt.date(2026, 11, 2)
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/reporting/figures/?as_of=2026-11-27").status_code == 200
    add(6)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/reporting/figures/?as_of=2026-11-27")
    assert 'data-figure="lecture_sessions">7<' in page.content.decode()


def test_each_scorecard_cell_opens_a_list_of_exactly_its_records(
    world, browser_as, make_report, make_measure, close_measure
):
    import html

    from tests.reporting.conftest import MONDAY

    make_report(world.unit_a, MONDAY)  # on time
    make_report(world.unit_a, MONDAY - dt.timedelta(days=7), late=True)
    on_time = make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 20))
    close_measure(on_time, dt.date(2026, 11, 18))
    late = make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 10))
    close_measure(late, dt.date(2026, 11, 18))
    make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 12))  # due, open
    make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=dt.date(2027, 1, 31))  # not due
    client = browser_as(world.office)
    page = client.get("/reporting/").content.decode()
    cells = re.findall(r'<a href="([^"]+)" data-cell="(\w+)">(\d+)</a>', page)
    unit_a = [(url, key, n) for url, key, n in cells if f"unit={world.unit_a.pk}&" in html.unescape(url)]
    assert {key: int(n) for _url, key, n in unit_a} == {
        "reports_on_time": 1,
        "measures_on_time": 1,
        "measures_due": 3,
        "overdue": 1,
        "closures": 2,
        "returns": 0,
    }
    for url, key, n in unit_a:
        assert _page_number(client, html.unescape(url), "data-count") == int(n), key
