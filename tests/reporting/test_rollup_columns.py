"""The test that walks the roll-up columns: for a past week, a past month and the current week,
on the demo and on a small generated campaign, every counted column of the overall row and of a
few units equals what its cell opens — the records its declaration selects, the list page's
count (followed from the summary page's own link) and the API list's `count`."""

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
from reporting.figures.rollups import BY_KEY, COLUMNS
from reporting.models import Summary
from reporting.periods import period_of
from reporting.services.rollups import FIGURES, rollup_run
from scale.generate import generate

CELL = re.compile(r'<a href="([^"]+)" data-cell="(\d+)">(\d+)</a>')


def _periods(campaign: Campaign) -> list[tuple[str, dt.date]]:
    """A past week and a past month of the campaign, and the current week (read from the current
    state, not the transitions)."""
    today = timezone.localdate()
    middle = campaign.start_date + (today - campaign.start_date) / 2
    month_start, _end = period_of("monthly", middle)
    return [("weekly", middle), ("monthly", month_start), ("weekly", today)]


def _busiest_units(campaign: Campaign, kind: str, start: dt.date, n: int = 3) -> list[int]:
    rows = Summary.objects.filter(campaign=campaign, kind=kind, period_start=start, unit__isnull=False)
    ranked = sorted(rows, key=lambda row: -sum(row.figures.values()))
    return [row.unit_id for row in ranked[:n]]


def _page_count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(r'data-count="(\d+)"', response.content.decode())
    assert found, f"{url} shows no count"
    return int(found.group(1))


def walk(campaign: Campaign, office: User) -> tuple[list[str], int]:
    """Every disagreement between a stored roll-up figure and what its cell opens; and how many
    cells were followed."""
    browser, api = Client(), APIClient()
    browser.force_login(office)
    api.force_authenticate(office)
    wrong, followed = [], 0
    for kind, day in _periods(campaign):
        rollup_run(campaign=campaign, kind=kind, day=day)
        start, end = period_of(kind, day)
        units = _busiest_units(campaign, kind, start)
        stored = {
            row.unit_id: row.figures
            for row in Summary.objects.filter(campaign=campaign, kind=kind, period_start=start)
            if row.unit_id is None or row.unit_id in units
        }
        # The summary page's links, row by row (the overall row, then the units by name).
        page = browser.get(f"/reporting/summaries/{kind}/{start}/").content.decode()
        links = {}
        for row_html in page.split("<tr>")[1:]:
            unit = re.search(r'href="/units/(\d+)/"', row_html)
            unit_id = int(unit.group(1)) if unit else None
            for url, position, value in CELL.findall(row_html):
                links[(unit_id, FIGURES[int(position)])] = (html.unescape(url), int(value))
        for unit_id, figures in stored.items():
            for column in COLUMNS:
                value = figures[column.key]
                label = f"{kind} {start} {'overall' if unit_id is None else unit_id} {column.key}"
                if column.derived:
                    if (unit_id, column.key) in links:
                        wrong.append(f"{label}: a derived column links to a list")
                    continue
                if column.overall_only and unit_id is not None:
                    continue
                records = column.records(campaign, start, end, unit_id).count()
                if records != value:
                    wrong.append(f"{label}: stored {value}, its records {records}")
                if column.family.html is not None:
                    url, shown = links.get((unit_id, column.key), ("", None))
                    if not url or shown != value:
                        wrong.append(f"{label}: stored {value}, the page's cell {shown} ({url or 'no link'})")
                    elif (listed := _page_count(browser, url)) != value:
                        wrong.append(f"{label}: stored {value}, its page {listed} ({url})")
                    followed += 1
                if column.family.api is not None:
                    records_url = column.api_url(campaign, start, end, unit_id)
                    response = api.get(records_url)
                    assert response.status_code == 200, records_url
                    if (listed := response.json()["count"]) != value:
                        wrong.append(f"{label}: stored {value}, its API list {listed} ({records_url})")
                    followed += 1
            if unit_id is not None:
                due, submitted = figures["reports_due"], figures["reports_submitted"]
                if figures["reports_missing"] != max(due - submitted, 0):
                    wrong.append(f"{kind} {start} {unit_id}: missing is not due − submitted")
    return wrong, followed


@pytest.mark.django_db
def test_every_roll_up_column_of_a_generated_campaign_equals_the_lists_its_cells_open():
    made = generate(units=12, weeks=8, seed=3)
    campaign = Campaign.objects.get(pk=made["campaign_id"])
    office = User.objects.filter(role=User.Role.OFFICE).first()
    wrong, followed = walk(campaign, office)
    assert wrong == []
    assert followed > 300
    # The generator filled the columns the walk compared (not a walk over zeros).
    overall = Summary.objects.filter(campaign=campaign, kind="monthly", unit__isnull=True).get().figures
    assert overall["light_red"] and overall["light_closed"] and overall["reports_accepted"]


@pytest.mark.django_db
def test_every_roll_up_column_of_the_demo_equals_the_lists_its_cells_open():
    call_command("load_demo")
    campaign = Campaign.objects.get()
    wrong, followed = walk(campaign, User.objects.get(username="office"))
    assert wrong == []
    assert followed > 300


def test_the_summaries_api_gives_each_figure_the_api_list_whose_count_it_is(world, make_measure, api_as):
    from tests.reporting.conftest import MONDAY

    make_measure(world.unit_a, created=MONDAY)
    make_measure(world.unit_b, created=MONDAY)
    rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    client = api_as(world.office)
    rows = client.get(f"/api/v1/summaries/?kind=weekly&period={MONDAY}").json()["results"]
    assert len(rows) == 4
    for row in rows:
        assert "reports_due" not in row["records"] and "measures_found" in row["records"]
        if row["unit"]:
            assert "public_reports_received" not in row["records"]
        for key, url in row["records"].items():
            assert client.get(url).json()["count"] == row["figures"][key], (row["unit"], key, url)
    overall = next(row for row in rows if row["unit"] is None)
    assert overall["figures"]["measures_found"] == 2


def test_every_column_but_the_derived_ones_names_a_list():
    assert [c.key for c in COLUMNS] == FIGURES
    for column in COLUMNS:
        assert column.derived or column.family.html or column.family.api, column.key
    assert BY_KEY["reports_due"].derived and BY_KEY["reports_missing"].derived
