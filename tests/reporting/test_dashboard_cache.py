"""The office's dashboard at the size of a province: its numbers are counted once per day and
change of the records behind them (weekly reports, closures, units, measures) and then read from
the cache, so the next request after any change shows it; the ranking is shown fifty units a
page. These run in real transactions, as requests do: numbers read inside a test's transaction
are never cached (it could roll back), so the cache is only seen this way."""

import datetime as dt
from unittest import mock

import pytest
import time_machine

from reporting.selectors import dashboard as dashboard_selectors
from tests.factories import CoverageFactory, UnitFactory
from tests.reporting.conftest import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 11, 30)  # W48's reports were due on Friday 27 November


def shown(client, query: str = "") -> dict:
    response = client.get(f"/reporting/{query}")
    assert response.status_code == 200
    return response.context["d"]


def submitted_in(data: dict, week: dt.date) -> int:
    return next(row["submitted"] for row in data["weeks"] if row["week"] == week)


def test_the_office_dashboard_is_counted_once_then_shows_a_new_report_at_once(
    world, make_report, make_measure, browser_as
):
    make_report(world.unit_a)
    make_measure(world.unit_b, deadline=MONDAY)
    client = browser_as(world.office)
    with (
        time_machine.travel(at(DAY), tick=False),
        mock.patch.object(dashboard_selectors, "_numbers", wraps=dashboard_selectors._numbers) as counting,
    ):
        before = shown(client)
        again = shown(client)
        assert counting.call_count == 1  # the second request read the cache
        make_report(world.unit_b)
        after = shown(client)
        assert counting.call_count == 2
    assert submitted_in(again, MONDAY) == submitted_in(before, MONDAY) == 1
    assert again["lights"] == before["lights"] and again["lights"]["red"] == 1
    assert submitted_in(after, MONDAY) == 2
    assert next(row for row in after["scorecard"] if row["unit_id"] == world.unit_b.pk)["reports_submitted"] == 1


def test_the_office_dashboard_shows_a_closure_signed_off_right_after(world, make_measure, close_measure, browser_as):
    measure = make_measure(world.unit_b, deadline=MONDAY)
    client = browser_as(world.office)
    with time_machine.travel(at(DAY), tick=False):
        before = shown(client)
        close_measure(measure, on=DAY)
        after = shown(client)
    assert (before["closures_total"], before["lights"]["red"], before["lights"]["closed"]) == (0, 1, 0)
    assert (after["closures_total"], after["lights"]["red"], after["lights"]["closed"]) == (1, 0, 1)


def test_the_office_dashboard_ranks_a_unit_that_joins_right_after(world, browser_as):
    client = browser_as(world.office)
    with time_machine.travel(at(DAY), tick=False):
        assert shown(client)["units"] == 3
        UnitFactory(campaign=world.campaign, name="市新建单位")
        after = shown(client)
    assert after["units"] == 4 and "市新建单位" in [row["unit"] for row in after["ranking"]]


def test_an_inspector_counts_their_own_units_after_the_office_read_the_campaign(world, make_report, browser_as):
    make_report(world.unit_a)
    make_report(world.unit_b)
    with time_machine.travel(at(DAY), tick=False):
        assert submitted_in(shown(browser_as(world.office)), MONDAY) == 2
        mine = shown(browser_as(world.inspector))
    assert submitted_in(mine, MONDAY) == 1 and [row["unit"] for row in mine["ranking"]] == ["市发展改革委"]


def test_the_ranking_shows_fifty_units_a_page_and_every_unit_once(world, browser_as):
    for i in range(60):
        CoverageFactory(group=world.group_a, unit=UnitFactory(campaign=world.campaign, name=f"扩展单位{i:02d}"))
    client = browser_as(world.office)
    with time_machine.travel(at(DAY), tick=False):
        first, second = client.get("/reporting/"), client.get("/reporting/?page=2")
    ranks = [row["rank"] for row in first.context["page"]] + [row["rank"] for row in second.context["page"]]
    assert ranks == list(range(1, 64))
    assert len(first.context["page"]) == 50 and "page=2" in first.content.decode()
    # Every shown row links its numbers to their lists; the export still has every unit.
    assert all("cells" in row for row in second.context["page"])
    assert len(first.context["d"]["ranking"]) == 63
