"""The light counts above the measure list (and the problem list): the campaign's counts for
office and leaders, read once per day and change; each inspector's and liaison's own, counted on
their units. These run in real transactions, as requests do: a count read inside a test's
transaction is never cached (it could roll back), so the cache is only seen this way."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectification.services import dispatch
from rectification.services import measures as services
from tests.rectification.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

OCT_10 = dt.date(2026, 10, 10)


def lights(client, url="/rectification/measures/"):
    response = client.get(url)
    assert response.status_code == 200
    return {key: response.context["lights"][key] for key in ("total", "green", "yellow", "red", "closed")}


def measures_counted(queries) -> int:
    """How many of the queries counted measures (the aggregate over every measure)."""
    return sum(1 for q in queries if "COUNT" in q["sql"] and '"rectification_measure"' in q["sql"])


def test_office_counts_are_read_once_then_served_until_something_changes(world, make_measure, browser_as):
    make_measure()
    make_measure(unit=world.unit_b)
    client = browser_as(world.office)
    with time_machine.travel(at(OCT_10), tick=False):
        with CaptureQueriesContext(connection) as first:
            assert lights(client)["total"] == 2
        with CaptureQueriesContext(connection) as second:
            assert lights(client)["total"] == 2
    assert measures_counted(first) == 1
    assert measures_counted(second) == 0
    assert len(second) < len(first)


def test_office_counts_change_right_after_a_measure_is_closed(world, closable, browser_as):
    measure, closure = closable()
    client = browser_as(world.office)
    with time_machine.travel(at(OCT_10), tick=False):
        assert lights(client) == {"total": 1, "green": 1, "yellow": 0, "red": 0, "closed": 0}
        services.closure_sign_off(by=world.inspector, closure=closure)
        assert lights(client) == {"total": 1, "green": 0, "yellow": 0, "red": 0, "closed": 1}


def test_office_counts_and_the_page_count_include_a_measure_added_right_after_they_were_read(
    world, make_measure, browser_as
):
    make_measure()
    client = browser_as(world.office)
    with time_machine.travel(at(OCT_10), tick=False):
        assert lights(client)["total"] == 1
        added = make_measure(unit=world.unit_b)
        response = client.get("/rectification/measures/")
    assert response.context["lights"]["total"] == 2
    assert response.context["page"].paginator.count == 2
    assert added in response.context["page"].object_list


def test_office_counts_follow_the_day_without_any_change(world, make_measure, browser_as):
    make_measure()  # due 21 October
    client = browser_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 21), hour=23), tick=False):
        assert lights(client)["red"] == 0
    with time_machine.travel(at(dt.date(2026, 10, 22), hour=0), tick=False):
        assert lights(client)["red"] == 1


def test_office_counts_turn_yellow_when_a_dispatch_round_is_closed_out(world, make_measure, browser_as):
    world.campaign.start_date = dt.date(2026, 9, 28)
    world.campaign.save()
    measure = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 9, 29)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=40)
    client = browser_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 26)), tick=False):
        assert lights(client)["yellow"] == 0
        dispatch.dispatch_run(campaign=world.campaign)  # round 2 closed out: nothing reported in it
        assert lights(client)["yellow"] == 1


@pytest.mark.parametrize("url", ["/rectification/measures/", "/rectification/problems/"])
def test_inspector_and_liaison_count_only_their_units_after_the_office_read_the_campaign(
    world, make_measure, browser_as, url
):
    make_measure()
    make_measure(unit=world.unit_b)
    make_measure(unit=world.unit_c)
    with time_machine.travel(at(OCT_10), tick=False):
        assert lights(browser_as(world.office), url)["total"] == 3
        assert lights(browser_as(world.inspector), url)["total"] == 1  # group A covers unit A only
        assert lights(browser_as(world.other_inspector), url)["total"] == 2
        assert lights(browser_as(world.liaison_b), url)["total"] == 1


def test_the_counts_version_moves_only_once_a_change_has_committed(world, make_measure):
    """A version read while a change is uncommitted must not be the one that change ends at:
    otherwise counts made without it could be cached under it (history ids are handed out at
    write time, not commit time, so they cannot serve as the version)."""
    from django.db import transaction

    from rectification.models import Measure
    from rectification.selectors import data_version

    measure = make_measure()
    before = data_version(campaign_id=world.campaign.pk)
    with transaction.atomic():
        Measure.objects.get(pk=measure.pk).save()
        assert data_version(campaign_id=world.campaign.pk) == before
    assert data_version(campaign_id=world.campaign.pk) > before
