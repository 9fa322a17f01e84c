"""Special-rectification tasks and petition cases have lights, as they stood on a day, in their
lists (filter and column), at a number of queries that does not grow with the rows."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rectification.lights import petition_light_q, special_task_light_q
from rectification.models import PetitionCase, SpecialRectification, SpecialTask, WorkTeam
from tests.rectification.conftest import at


@pytest.fixture
def special(world):
    plan = SpecialRectification.objects.create(campaign=world.campaign, title="整治", plan_document="方案")
    return WorkTeam.objects.create(rectification=plan, name="专班", lead_unit=world.unit_a)


def make_task(team, number, unit, deadline):
    return SpecialTask.objects.create(
        team=team,
        number=number,
        title=f"任务{number}",
        owner_unit=unit,
        assigned_on=dt.date(2026, 10, 1),
        deadline=deadline,
    )


def make_case(world, n, deadline, **fields):
    return PetitionCase.objects.create(
        campaign=world.campaign,
        code=f"XF{n}",
        kind="repeat",
        title=f"信访{n}",
        unit=world.unit_a,
        received_on=dt.date(2026, 10, 1),
        deadline=deadline,
        **fields,
    )


def light(model, light_q, obj, day):
    for name in ("closed", "red", "yellow", "blue", "green"):
        if model.objects.filter(light_q(name, day), pk=obj.pk).exists():
            return name
    return None


def test_a_special_task_is_green_then_blue_near_its_deadline_then_red(world, special):
    task = make_task(special, 1, world.unit_a, dt.date(2026, 10, 31))
    assert light(SpecialTask, special_task_light_q, task, dt.date(2026, 10, 23)) == "green"
    assert light(SpecialTask, special_task_light_q, task, dt.date(2026, 10, 24)) == "blue"
    assert light(SpecialTask, special_task_light_q, task, dt.date(2026, 11, 1)) == "red"


def test_a_petition_behind_its_stages_is_yellow_and_resolved_is_grey_from_that_day(world):
    case = make_case(world, 1, dt.date(2026, 10, 31))  # 30 days: investigation due by the 11th
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 10)) == "green"
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 12)) == "yellow"
    PetitionCase.objects.filter(pk=case.pk).update(investigated_on=dt.date(2026, 10, 8))
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 12)) == "green"
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 22)) == "yellow"  # no consultation
    PetitionCase.objects.filter(pk=case.pk).update(
        consulted_on=dt.date(2026, 10, 15), resolved_on=dt.date(2026, 10, 28), stage="resolved", resolution="已办结"
    )
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 25)) == "blue"
    assert light(PetitionCase, petition_light_q, case, dt.date(2026, 10, 28)) == "closed"


def test_the_lists_filter_by_light_and_show_it(world, special, browser_as):
    make_task(special, 1, world.unit_a, dt.date(2026, 10, 31))
    make_task(special, 2, world.unit_a, dt.date(2026, 12, 31))
    make_case(world, 1, dt.date(2026, 10, 31))
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        tasks = browser_as(world.office).get("/rectification/special/tasks/?light=red").content.decode()
        cases = browser_as(world.office).get("/rectification/petitions/?light=red").content.decode()
    assert "任务1" in tasks and "任务2" not in tasks and 'data-light="red"' in tasks
    assert "XF1" in cases and 'data-light="red"' in cases


def test_the_lists_queries_do_not_grow_with_rows(world, special, browser_as):
    client = browser_as(world.office)
    make_task(special, 1, world.unit_a, dt.date(2026, 10, 31))
    make_case(world, 1, dt.date(2026, 10, 31))
    counted = {}
    for url in ("/rectification/special/tasks/", "/rectification/petitions/"):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counted[url] = len(few)
    for n in range(2, 20):
        make_task(special, n, world.unit_b, dt.date(2026, 12, 31))
        make_case(world, n, dt.date(2026, 12, 31))
    for url, before in counted.items():
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) <= before, url


def test_the_units_page_counts_each_kinds_lights_as_its_lists_show_them(world, special, make_measure, browser_as):
    make_task(special, 1, world.unit_a, dt.date(2026, 10, 31))
    make_case(world, 1, dt.date(2026, 12, 31))
    make_measure()  # 1 Oct → 21 Oct, no progress
    client = browser_as(world.office)
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        rows = client.get(f"/units/{world.unit_a.pk}/").context["commitment_lights"]
        by_kind = {row["kind"]: {light: (n, url) for light, _label, n, url in row["lights"]} for row in rows}
        assert by_kind["measure"]["red"][0] == 1 and by_kind["special"]["red"][0] == 1
        assert by_kind["petition"]["yellow"][0] == 1  # investigation not done after a third of the time
        for kind, lights in by_kind.items():
            for light, (n, url) in lights.items():
                listed = client.get(url).context["page"].paginator.count
                assert listed == n, (kind, light, url)
