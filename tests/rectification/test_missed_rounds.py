"""Missed dispatch rounds by unit and by measure: who missed which round, filtered, cut to what
the person may see, and exported as listed."""

import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine

from rectification.services import measures as rect
from rectification.services.dispatch import dispatch_close_round, dispatch_round_for
from tests.rectification.conftest import at


def _measure(world, unit, content: str):
    problem = rect.problem_create(by=world.office, campaign=world.campaign, unit=unit, title=f"{content}问题")
    return rect.measure_create(
        by=world.office,
        problem=problem,
        content=content,
        responsible_unit=unit,
        responsible_person="张三",
        start_date=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 12, 31),
        baseline=0,
        target_value=100,
        measure_unit="%",
    )


@pytest.fixture
def missed(world):
    """Round 1 (1–14 September): unit A's two measures and unit B's one got no entry; round 2
    (15–28 September): unit A's first measure reported, the other two missed again."""
    with time_machine.travel(at(dt.date(2026, 9, 2)), tick=False):
        a1, a2 = _measure(world, world.unit_a, "压减审批环节"), _measure(world, world.unit_a, "清理涉企收费")
        b1 = _measure(world, world.unit_b, "整治河道")
    with time_machine.travel(at(dt.date(2026, 9, 15)), tick=False):
        dispatch_close_round(round_=dispatch_round_for(campaign=world.campaign, on=dt.date(2026, 9, 1)))
    with time_machine.travel(at(dt.date(2026, 9, 20)), tick=False):
        rect.measure_progress_record(by=world.liaison_a, measure=a1, value_reached=40)
    with time_machine.travel(at(dt.date(2026, 9, 29)), tick=False):
        dispatch_close_round(round_=dispatch_round_for(campaign=world.campaign, on=dt.date(2026, 9, 15)))
    world.a1, world.a2, world.b1 = a1, a2, b1
    return world


def _count(page) -> int:
    return int(re.search(r'data-count="(\d+)"', page.content.decode()).group(1))


def test_the_office_lists_misses_by_unit_and_by_measure_with_the_rounds_missed(missed, browser_as):
    client = browser_as(missed.office)
    by_unit = client.get("/rectification/missed-rounds/")
    assert _count(by_unit) == 5  # A: 2 + 1, B: 1 + 1
    table = by_unit.content.decode().split("<table")[1]
    assert table.index("市发展改革委") < table.index("中山区")  # most misses first
    by_measure = client.get("/rectification/missed-rounds/?by=measure").content.decode()
    row = re.search(r"清理涉企收费.*?</tr>", by_measure, re.S).group(0)
    assert "1、2" in row  # missed both rounds
    row = re.search(r"压减审批环节.*?</tr>", by_measure, re.S).group(0)
    assert "1、2" not in row


def test_the_filters_narrow_to_a_unit_and_a_round(missed, browser_as):
    client = browser_as(missed.office)
    assert _count(client.get(f"/rectification/missed-rounds/?unit={missed.unit_a.pk}")) == 3
    assert _count(client.get("/rectification/missed-rounds/?round=2")) == 2
    assert _count(client.get(f"/rectification/missed-rounds/?round=2&unit={missed.unit_b.pk}&by=measure")) == 1


@pytest.mark.parametrize(("persona", "count", "hidden"), [("liaison_a", 3, "中山区"), ("inspector", 3, "中山区")])
def test_a_liaison_and_an_inspector_see_only_their_units_misses(missed, browser_as, persona, count, hidden):
    page = browser_as(getattr(missed, persona)).get("/rectification/missed-rounds/")
    assert _count(page) == count
    assert hidden not in page.content.decode().split("<table")[1]


def test_the_export_holds_both_lists_as_filtered(missed, browser_as):
    response = browser_as(missed.office).get(f"/rectification/missed-rounds/?unit={missed.unit_a.pk}&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    units, measures = workbook.worksheets
    assert [row[1:3] for row in units.iter_rows(min_row=2, values_only=True)] == [("市发展改革委", 3)]
    rounds = {row[2]: row[6] for row in measures.iter_rows(min_row=2, values_only=True)}
    assert rounds == {"清理涉企收费": "1、2", "压减审批环节": "1"}


def test_past_lights_are_the_same_looked_up_per_measure_for_a_few_units_or_as_one_set(missed):
    from campaign.lights import for_few_rows
    from rectification.models import Measure
    from rectification.selectors import with_light

    days = [dt.date(2026, 9, 16), dt.date(2026, 9, 21), dt.date(2026, 9, 30)]
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):

        def lit(day):
            rows = with_light(Measure.objects.all(), day)
            return dict(rows.values_list("pk", "light")), str(rows.query)

        as_sets = {day: lit(day) for day in days}
        with for_few_rows():
            per_measure = {day: lit(day) for day in days}
    for day in days:
        assert per_measure[day][0] == as_sets[day][0], day
        assert "EXISTS" in per_measure[day][1] and "dispatchmiss" in per_measure[day][1]
    a1, a2, b1 = missed.a1.pk, missed.a2.pk, missed.b1.pk
    lights = {day: found for day, (found, _sql) in as_sets.items()}
    assert {lights[dt.date(2026, 9, 16)][pk] for pk in (a1, a2, b1)} == {"yellow"}  # round 1 missed
    assert lights[dt.date(2026, 9, 21)][a1] != "yellow" and lights[dt.date(2026, 9, 21)][a2] == "yellow"
    assert lights[dt.date(2026, 9, 30)][b1] == "yellow"  # missed round 2 too
