"""The warning light (预警) of each measure, computed in the database, at each boundary."""

import datetime as dt

import pytest
import time_machine

from campaign.lights import for_few_rows
from rectification import selectors
from rectification.services import dispatch
from rectification.services import measures as services
from tests.rectification.conftest import at


def light_of(measure, user):
    return selectors.measure_list(user=user).get(pk=measure.pk).light


def test_new_measure_is_green_on_its_start_day(world, make_measure):
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        assert light_of(measure, world.office) == "green"


def test_measure_turns_yellow_the_day_after_it_falls_below_the_expected_progress_line(world, make_measure):
    measure = make_measure()  # 1 Oct → 21 Oct: 20 days; 50% is the line on 11 Oct
    with time_machine.travel(at(dt.date(2026, 10, 5)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=50)
    with time_machine.travel(at(dt.date(2026, 10, 11), hour=23), tick=False):
        assert light_of(measure, world.office) == "green"
    with time_machine.travel(at(dt.date(2026, 10, 12), hour=0), tick=False):
        assert light_of(measure, world.office) == "yellow"


def test_measure_turns_red_the_day_after_its_deadline(world, make_measure):
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 10, 2)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)
    # On its deadline day the measure is within the campaign's warning days: blue, not green.
    with time_machine.travel(at(dt.date(2026, 10, 21), hour=23), tick=False):
        assert light_of(measure, world.office) == "blue"
    with time_machine.travel(at(dt.date(2026, 10, 22), hour=0), tick=False):
        assert light_of(measure, world.office) == "red"


def test_boundary_follows_shanghai_days_not_utc(world, make_measure):
    measure = make_measure()
    # 22 Oct 00:30 in Shanghai is still 21 Oct in UTC: the deadline has passed here.
    with time_machine.travel(dt.datetime(2026, 10, 21, 16, 30, tzinfo=dt.UTC), tick=False):
        assert light_of(measure, world.office) == "red"


def test_an_extension_approved_before_the_deadline_moves_the_red_line(world, make_measure):
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):  # asked and approved in time
        extension = services.extension_request(
            by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="理由"
        )
        services.extension_decide(by=world.office, extension=extension, approve=True)
    with time_machine.travel(at(dt.date(2026, 10, 22)), tick=False):
        assert light_of(measure, world.office) != "red"


def test_missing_the_last_dispatch_round_lights_yellow_until_the_next_update(world, make_measure):
    world.campaign.start_date = dt.date(2026, 9, 28)
    world.campaign.save()
    measure = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 9, 29)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=40)
    # round 1 is 28 Sep–11 Oct, round 2 is 12–25 Oct; nothing reported in round 2
    with time_machine.travel(at(dt.date(2026, 10, 26)), tick=False):
        dispatch.dispatch_run(campaign=world.campaign)
        assert light_of(measure, world.office) == "yellow"
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=42)
        assert light_of(measure, world.office) == "green"


def test_closed_measure_shows_closed_not_red(world, closable):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    with time_machine.travel(at(dt.date(2027, 1, 1)), tick=False):
        assert light_of(measure, world.office) == "closed"


def test_lights_filter_the_api_and_the_counts(world, make_measure, api_as):
    late = make_measure(deadline=dt.date(2026, 10, 3))
    fine = make_measure(deadline=dt.date(2027, 1, 31))
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=fine, value_reached=50)
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        red = api_as(world.office).get("/api/v1/measures/?light=red").json()["results"]
        assert [row["id"] for row in red] == [late.pk]
        assert red[0]["light"] == "red"
        overdue = api_as(world.office).get("/api/v1/measures/?overdue=true").json()["results"]
        assert [row["id"] for row in overdue] == [late.pk]
        counts = selectors.light_counts(selectors.measures_visible_to(world.office))
        assert counts["red"] == 1 and counts["green"] == 1 and counts["total"] == 2
        problems = api_as(world.office).get("/api/v1/problems/?light=red").json()["results"]
        assert [row["id"] for row in problems] == [late.problem_id]
        assert problems[0]["red_count"] == 1


def _fill(world, make_measure, n):
    for _i in range(n):
        measure = make_measure()
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=30, files=[])


@pytest.mark.parametrize(
    "url", ["/rectification/problems/", "/rectification/measures/", "/api/v1/measures/", "/api/v1/problems/"]
)
def test_lists_keep_a_constant_query_count(world, make_measure, browser_as, api_as, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(world.office) if url.startswith("/api/") else browser_as(world.office)
    _fill(world, make_measure, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(world, make_measure, 20)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_measure_page_keeps_a_constant_query_count(world, make_measure, browser_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.rectification.conftest import png

    measure = make_measure()
    client = browser_as(world.liaison_a)
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=10, files=[png()])
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/rectification/measures/{measure.pk}/").status_code == 200
    for value in range(11, 30):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=value, files=[png()])
    with django_assert_max_num_queries(len(small)):
        assert client.get(f"/rectification/measures/{measure.pk}/").status_code == 200


def test_a_near_deadline_lights_blue_today_and_as_of_a_past_day_and_the_api_counts_without_joins(
    world, make_measure, api_as
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        near = make_measure(deadline=dt.date(2026, 10, 12))
        far = make_measure(deadline=dt.date(2027, 1, 31))
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=False):
        for measure in (near, far):  # ahead of the expected-progress line: not yellow
            services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=95)
    api = api_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):
        with CaptureQueriesContext(connection) as seen:
            rows = api.get("/api/v1/measures/").json()
        assert {row["id"]: row["light"] for row in rows["results"]} == {near.pk: "blue", far.pk: "green"}
        count = next(q["sql"] for q in seen.captured_queries if "COUNT(" in q["sql"])
        assert "JOIN" not in count  # the light's campaign setting is not joined into the count
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        past = selectors.with_light(selectors.measures_visible_to(world.office), dt.date(2026, 10, 10))
        assert dict(past.values_list("id", "light")) == {near.pk: "blue", far.pk: "green"}
        today = {row["id"]: row["light"] for row in api.get("/api/v1/measures/").json()["results"]}
        assert today[near.pk] == "red"  # the list shows today's light


def test_the_measures_api_as_of_a_past_day_shows_the_light_each_row_had_that_day(world, make_measure, api_as):
    """`?as_of=…&light=blue` selects the measures blue that day; their `light` says blue too,
    not the red they are today (a row never contradicts the filter that selected it)."""
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        near = make_measure(deadline=dt.date(2026, 10, 12))
        far = make_measure(deadline=dt.date(2027, 1, 31))
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=False):
        for measure in (near, far):
            services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=95)
    api = api_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        blue_then = api.get("/api/v1/measures/?as_of=2026-10-10&light=blue").json()["results"]
        assert [(row["id"], row["light"]) for row in blue_then] == [(near.pk, "blue")]
        every_row_then = api.get("/api/v1/measures/?as_of=2026-10-10").json()["results"]
        assert {row["id"]: row["light"] for row in every_row_then} == {near.pk: "blue", far.pk: "green"}
        red_now = api.get("/api/v1/measures/?light=red").json()["results"]
        assert [(row["id"], row["light"]) for row in red_now] == [(near.pk, "red")]


def test_the_pages_behind_a_past_day_s_light_show_each_measure_lit_as_it_stood_that_day(
    world, make_measure, browser_as
):
    """The dashboard's records behind a light as of a past day, and the measure list as of that
    day, light each row as it stood then (the near-deadline measure blue, not today's red), with
    the badge every other page uses."""
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        near = make_measure(deadline=dt.date(2026, 10, 12))
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=near, value_reached=95)
    office = browser_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        query = f"campaign={world.campaign.pk}&as_of=2026-10-10&light=blue"
        for url in (f"/reporting/records/measures/?{query}", f"/rectification/measures/?{query}"):
            page = office.get(url).content.decode()
            assert near.code in page, url
            assert 'data-light="blue"' in page and 'data-light="red"' not in page, url
            assert "data-figure-filters" in page and "2026-10-10" in page, url  # says which day it shows
        today = office.get(f"/reporting/records/measures/?campaign={world.campaign.pk}&light=red").content.decode()
        assert near.code in today and 'data-light="red"' in today


def test_a_past_day_s_blue_stays_blue_after_an_extension_approved_since_moves_the_deadline(world, make_measure, api_as):
    """Near its deadline on 10 October, the measure was blue that day; the extension approved on
    11 October moved the deadline to 30 November. Asked on 20 October, 10 October still reads
    blue (the deadline it had then) in the list, its filter and the counts; 11 October onwards
    reads the new deadline."""
    with time_machine.travel(at(dt.date(2026, 10, 1)), tick=False):
        near = make_measure(deadline=dt.date(2026, 10, 12))
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=near, value_reached=95)
        extension = services.extension_request(
            by=world.liaison_a, measure=near, new_deadline=dt.date(2026, 11, 30), reason="设备到货推迟"
        )
    with time_machine.travel(at(dt.date(2026, 10, 11)), tick=False):
        services.extension_decide(by=world.office, extension=extension, approve=True)
    api = api_as(world.office)
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        visible = selectors.measures_visible_to(world.office)
        assert selectors.with_light(visible, dt.date(2026, 10, 10)).get(pk=near.pk).light == "blue"
        assert selectors.light_counts(visible, dt.date(2026, 10, 10))["blue"] == 1
        with for_few_rows():  # looked up per measure, as for an inspector's few units: the same
            assert selectors.with_light(visible, dt.date(2026, 10, 10)).get(pk=near.pk).light == "blue"
            assert selectors.with_light(visible, dt.date(2026, 10, 11)).get(pk=near.pk).light == "green"
        blue_then = api.get("/api/v1/measures/?as_of=2026-10-10&light=blue").json()["results"]
        assert [(row["id"], row["light"]) for row in blue_then] == [(near.pk, "blue")]
        assert selectors.with_light(visible, dt.date(2026, 10, 11)).get(pk=near.pk).light == "green"
        assert selectors.with_light(visible).get(pk=near.pk).light == "green"
